import { describe, expect, it } from "vitest";
import { generateSessionName, sessionNameFor } from "./sessionName.js";

const ID = "0123456789abcdef0123456789abcdef";
const VALID = /^[A-Za-z0-9_+=,.@-]{2,64}$/;

describe("generateSessionName", () => {
  it("leaves the version out for $LATEST", () => {
    expect(
      generateSessionName({ functionName: "orders", functionVersion: "$LATEST", instanceId: "abc123" }),
    ).toBe("orders.abc123");
  });

  it("leaves the version out when there is none", () => {
    expect(generateSessionName({ functionName: "orders", instanceId: "abc123" })).toBe("orders.abc123");
  });

  it("includes a published version", () => {
    expect(generateSessionName({ functionName: "orders", functionVersion: "42", instanceId: "abc123" })).toBe(
      "orders.42.abc123",
    );
  });

  it("cuts the instance id to fit 64 characters", () => {
    const name = generateSessionName({ functionName: "f".repeat(50), functionVersion: "7", instanceId: ID });

    expect(name).toBe(`${"f".repeat(50)}.7.${ID.slice(0, 11)}`);
    expect(name).toHaveLength(64);
  });

  it("keeps four characters of the id for a 59-character name", () => {
    const name = generateSessionName({ functionName: "f".repeat(59), instanceId: ID });

    expect(name).toBe(`${"f".repeat(59)}.0123`);
  });

  it("uses the function name alone when it is longer than 59 characters", () => {
    expect(generateSessionName({ functionName: "f".repeat(60), functionVersion: "3", instanceId: ID })).toBe(
      "f".repeat(60),
    );
  });

  it("cuts a function name longer than 64 characters to 64", () => {
    expect(generateSessionName({ functionName: "f".repeat(140), instanceId: ID })).toBe("f".repeat(64));
  });

  it("drops the version, not the id, when name and version together pass 59 characters", () => {
    // 55 + ".12345" = 61 > 59
    const name = generateSessionName({
      functionName: "f".repeat(55),
      functionVersion: "12345",
      instanceId: ID,
    });

    expect(name).toBe(`${"f".repeat(55)}.${ID.slice(0, 8)}`);
  });

  it("keeps the version when name and version make exactly 59 characters", () => {
    // 56 + ".12" = 59
    const name = generateSessionName({ functionName: "f".repeat(56), functionVersion: "12", instanceId: ID });

    expect(name).toBe(`${"f".repeat(56)}.12.${ID.slice(0, 4)}`);
  });

  it("replaces each run of invalid characters with one underscore", () => {
    expect(generateSessionName({ functionName: "my fn!!", functionVersion: "$x", instanceId: "a/b" })).toBe(
      "my_fn_._x.a_b",
    );
  });

  it("pads a name shorter than two characters", () => {
    const name = generateSessionName({ functionName: "", instanceId: "" });

    expect(name.length).toBeGreaterThanOrEqual(2);
    expect(name).toMatch(VALID);
  });

  it("always gives a valid session name of 2 to 64 characters", () => {
    for (let length = 0; length <= 140; length += 7) {
      for (const version of [undefined, "$LATEST", "1", "123456789"]) {
        const name = generateSessionName({
          functionName: "ab#".repeat(length).slice(0, length),
          functionVersion: version,
          instanceId: ID,
        });
        expect(name, `length ${length}, version ${version}`).toMatch(VALID);
      }
    }
  });
});

describe("sessionNameFor", () => {
  it("prefers RoleSessionName", () => {
    expect(sessionNameFor({ RoleSessionName: "named", SourceIdentity: "alice" }, "generated")).toBe("named");
  });

  it("uses SourceIdentity when no RoleSessionName is set", () => {
    expect(sessionNameFor({ SourceIdentity: "alice" }, "generated")).toBe("alice");
  });

  it("falls back to the generated name", () => {
    expect(sessionNameFor({}, "generated")).toBe("generated");
  });
});
