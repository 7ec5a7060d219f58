import { describe, expect, it } from "vitest";
import { seededRandom } from "../../test/support/seededRandom.mjs";
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

  it("ignores a blank token meant for another endpoint (SnapStart's)", () => {
    const env = {
      AWS_CONTAINER_AUTHORIZATION_TOKEN: " ",
      AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://169.254.170.2/x",
    };
    expect(tokenOf(chooseToken(env, false)).adopted).toBe(false);
  });

  it("accepts a 16-character token", () => {
    expect(tokenOf(chooseToken({ AWS_CONTAINER_AUTHORIZATION_TOKEN: "a".repeat(16) }, false)).token).toBe(
      "a".repeat(16),
    );
  });

  /** Tokens no SDK can ever present as they are: each class, and seeded variants of each. */
  function neverMatching(): [string, string][] {
    const random = seededRandom(0x70_4e5);
    const at = (text: string) => Math.floor(random() * (text.length + 1));
    const insert = (text: string, bad: string) => {
      const i = at(text);
      return `${text.slice(0, i)}${bad}${text.slice(i)}`;
    };
    const controls = [...Array.from({ length: 32 }, (_, c) => String.fromCharCode(c)), "\u007f"];
    const nonAscii = ["\u00a0", "\u00e9", "\u200b", "\ufeff", "\u{1f511}", "\u0430"];
    const around = [" ", "\t", "  ", " \t"];
    const cases: [string, string][] = [
      ["empty", ""],
      ["blank", "   "],
      ["a tab only", "\t"],
      ["15 characters", "a".repeat(15)],
      ["a trailing newline", `${USER_TOKEN}\n`],
      ["a carriage return", `${USER_TOKEN.slice(0, 10)}\r${USER_TOKEN.slice(10)}`],
    ];
    for (const space of around) {
      cases.push([`leading ${JSON.stringify(space)}`, `${space}${USER_TOKEN}`]);
      cases.push([`trailing ${JSON.stringify(space)}`, `${USER_TOKEN}${space}`]);
    }
    for (const bad of [...controls, ...nonAscii]) {
      cases.push([`${JSON.stringify(bad)} inside`, insert(USER_TOKEN, bad)]);
    }
    return cases;
  }

  it.each(neverMatching())(
    "refuses a user token with %s, naming the variable, never the value",
    (_title, token) => {
      for (const pointsAtSidecar of [false, true]) {
        const env: NodeJS.ProcessEnv = { AWS_CONTAINER_AUTHORIZATION_TOKEN: token };
        if (pointsAtSidecar) env.AWS_CONTAINER_CREDENTIALS_FULL_URI = "http://127.0.0.1:9770/roles/x";
        const choice = chooseToken(env, pointsAtSidecar);

        expect(choice.ok).toBe(false);
        const problem = choice.ok ? "" : choice.problem;
        expect(problem).toMatch(/^AWS_CONTAINER_AUTHORIZATION_TOKEN /);
        if (token.trim().length > 3) expect(problem).not.toContain(token.trim());
      }
    },
  );

  it("accepts every printable ASCII character inside a token, spaces included", () => {
    const printable = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join("");
    const token = `x${printable}x`;

    expect(tokenOf(chooseToken({ AWS_CONTAINER_AUTHORIZATION_TOKEN: token }, false)).token).toBe(token);
  });
});
