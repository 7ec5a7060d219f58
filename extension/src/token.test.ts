import { describe, expect, it } from "vitest";
import { chooseToken, type TokenChoice } from "./token.js";

const USER_TOKEN = "user-chosen-token-0123456789";
const SIDECAR_URI = "http://127.0.0.1:9770/roles/reader";
const SNAPSTART_URI = "http://169.254.170.2/v1/credentials";

function tokenOf(choice: TokenChoice): { token: string; adopted: boolean } {
  if (!choice.ok) throw new Error(choice.problem);
  return choice;
}

describe("chooseToken", () => {
  it("adopts the user's token when AWS_CONTAINER_CREDENTIALS_FULL_URI is unset", () => {
    const choice = tokenOf(chooseToken({ AWS_CONTAINER_AUTHORIZATION_TOKEN: USER_TOKEN }, false));

    expect(choice).toEqual({ ok: true, token: USER_TOKEN, adopted: true });
  });

  it("adopts the user's token when the URI points at the sidecar", () => {
    const env = {
      AWS_CONTAINER_AUTHORIZATION_TOKEN: USER_TOKEN,
      AWS_CONTAINER_CREDENTIALS_FULL_URI: SIDECAR_URI,
    };

    expect(tokenOf(chooseToken(env, true))).toEqual({ ok: true, token: USER_TOKEN, adopted: true });
  });

  it("makes its own token when the URI points elsewhere (SnapStart's endpoint)", () => {
    const env = {
      AWS_CONTAINER_AUTHORIZATION_TOKEN: USER_TOKEN,
      AWS_CONTAINER_CREDENTIALS_FULL_URI: SNAPSTART_URI,
    };

    const choice = tokenOf(chooseToken(env, false));

    expect(choice.adopted).toBe(false);
    expect(choice.token).not.toBe(USER_TOKEN);
  });

  it("makes its own token when none is set", () => {
    const choice = tokenOf(chooseToken({}, false));

    expect(choice.adopted).toBe(false);
    expect(choice.token.length).toBeGreaterThanOrEqual(32);
    expect(choice.token).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it("makes a different token every time", () => {
    const tokens = new Set(Array.from({ length: 20 }, () => tokenOf(chooseToken({}, false)).token));

    expect(tokens.size).toBe(20);
  });

  it("treats a blank token as unset", () => {
    expect(tokenOf(chooseToken({ AWS_CONTAINER_AUTHORIZATION_TOKEN: "   " }, false)).adopted).toBe(false);
  });

  it("accepts a 16-character token", () => {
    expect(tokenOf(chooseToken({ AWS_CONTAINER_AUTHORIZATION_TOKEN: "a".repeat(16) }, false)).token).toBe(
      "a".repeat(16),
    );
  });

  it.each([
    ["15 characters", "a".repeat(15)],
    ["a trailing newline", `${USER_TOKEN}\n`],
    ["a carriage return", `${USER_TOKEN.slice(0, 10)}\r${USER_TOKEN.slice(10)}`],
  ])("refuses a user token of %s", (_title, token) => {
    const choice = chooseToken({ AWS_CONTAINER_AUTHORIZATION_TOKEN: token }, false);

    expect(choice.ok).toBe(false);
    expect(choice.ok ? "" : choice.problem).toContain(
      "AWS_CONTAINER_AUTHORIZATION_TOKEN must be at least 16 characters",
    );
  });
});
