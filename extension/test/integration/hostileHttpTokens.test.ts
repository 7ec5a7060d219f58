/**
 * The bundled extension's answers to wrong tokens of every shape, over real sockets: 401/403
 * {Code, Message}, no credentials, never echoed (not even in its log), and a comparison that cannot
 * throw for any length or type.
 */
import { describe, expect, it } from "vitest";
import { checkToken, tokenDigest } from "../../src/http/requestGuards.js";
import { hostileSidecarPerFile } from "../support/hostileSidecar.js";

const hostile = hostileSidecarPerFile();

describe("wrong tokens", () => {
  const wrong = (): [string, string | undefined, number][] => [
    ["absent", undefined, 401],
    ["empty", "", 401],
    ["same length, other characters", "Z".repeat(hostile.token.length), 403],
    ["the token minus its last character", hostile.token.slice(0, -1), 403],
    ["the token plus one character", `${hostile.token}A`, 403],
    ["a single character", "x", 403],
    ["10 KB", "k".repeat(10_000), 403],
    ["unicode", "\u0442\u043e\u043a\u0435\u043d-\u{1f511}-\u00e9", 403],
    ["the token as Bearer", `Bearer ${hostile.token}`, 403],
  ];

  it("are refused with 401/403 {Code, Message}, no credentials, and never echoed", async () => {
    for (const [label, value, status] of wrong()) {
      // Act
      const response = await hostile.send(hostile.getRequest("/roles/reader", value));

      // Assess
      expect(response.status, label).toBe(status);
      expect(hostile.unsafety(response, undefined), label).toEqual([]);
      expect(JSON.parse(response.body)).toEqual({
        Code: status === 401 ? "MissingToken" : "InvalidToken",
        Message: expect.any(String),
      });
      if (value !== undefined && value.length > 2) expect(response.raw, label).not.toContain(value);
    }
    expect(hostile.sidecar.child.exitCode).toBeNull();
  });

  it("the comparison does not throw for any length or type, and accepts only the token", () => {
    // Code review: requestGuards.ts compares SHA-256 digests with timingSafeEqual, so the work done
    // is the same for every length; timingSafeEqual itself throws on unequal lengths, which hashing
    // rules out. This checks that claim's observable half.
    const expected = tokenDigest(hostile.token);
    const refusals = [
      "a",
      "",
      hostile.token.slice(0, -1),
      `${hostile.token}${hostile.token}`,
      "\u{1f511}".repeat(5000),
      [hostile.token, hostile.token],
    ].map((header) => checkToken(header, expected));
    expect(refusals.map((r) => r?.status)).toEqual([403, 401, 403, 403, 403, 403]);
    expect(checkToken(hostile.token, expected)).toBeUndefined();
  });
});

describe("after all of it", () => {
  it("the process still runs, and its log holds no token, no credential and none of the wrong tokens", () => {
    hostile.expectAliveAndQuiet(["k".repeat(10_000), "Z".repeat(hostile.token.length)]);
  });
});
