import { describe, expect, it } from "vitest";
import { seededRandom } from "../../test/support/seededRandom.mjs";
import { MAX_STS_LIFETIME_MS, UNUSABLE_CODE, unusableCredentials } from "./usableCredentials.js";

const NOW = Date.UTC(2026, 5, 1, 12);
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const GOOD = {
  accessKeyId: "ASIAEXAMPLEEXAMPLE12",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  sessionToken: "IQoJb3JpZ2luX2VjEXAMPLETOKEN+/=",
};
const FIELDS = ["accessKeyId", "secretAccessKey", "sessionToken"] as const;
const WIRE = { accessKeyId: "AccessKeyId", secretAccessKey: "SecretAccessKey", sessionToken: "SessionToken" };
/** Characters no key, secret or token contains: whitespace of every kind, controls, non-ASCII. */
const BAD_CHARACTERS = [
  " ",
  "\t",
  "\n",
  "\r",
  "\v",
  "\f",
  "\u00a0",
  "\u2028",
  "\u3000",
  "\u0000",
  "\u001b",
  "\u007f",
  "\u200b",
  "\ufeff",
  "é",
  "😀",
];

const random = seededRandom(20261201);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const between = (low: number, high: number) => low + Math.floor(random() * (high - low));

/** A field made unusable: empty, only bad characters, or a real-looking value with one inside. */
function spoiled(value: string): string {
  switch (between(0, 4)) {
    case 0:
      return "";
    case 3:
      return value.repeat(Math.ceil(65537 / value.length));
    case 1:
      return Array.from({ length: between(1, 6) }, () => pick(BAD_CHARACTERS)).join("");
    default: {
      const at = between(0, value.length + 1);
      return value.slice(0, at) + pick(BAD_CHARACTERS) + value.slice(at);
    }
  }
}

describe("unusableCredentials", () => {
  it("accepts what STS issues: 15 minutes to 12 hours, with or without a small clock offset", () => {
    for (let i = 0; i < 200; i++) {
      const lifetime = between(15 * MINUTE, MAX_STS_LIFETIME_MS);
      const offset = between(-3 * MINUTE, 3 * MINUTE);
      expect(unusableCredentials({ ...GOOD, expiresAtMs: NOW + lifetime }, NOW, offset)).toBeUndefined();
    }
  });

  it("accepts short sessions STS meant to be short (a test stand-in's 6 s)", () => {
    expect(unusableCredentials({ ...GOOD, expiresAtMs: NOW + 6 * SECOND }, NOW, 0)).toBeUndefined();
  });

  it("refuses a blank, whitespace or control-character field, for each field, naming it and not its value", () => {
    for (let i = 0; i < 300; i++) {
      const field = pick(FIELDS);
      const value = spoiled(GOOD[field]);
      const failure = unusableCredentials({ ...GOOD, [field]: value, expiresAtMs: NOW + HOUR }, NOW);
      expect(failure, JSON.stringify(value)).toMatchObject({
        code: UNUSABLE_CODE,
        kind: "retryable",
        cause: "unavailable",
      });
      expect(failure?.message).toContain(WIRE[field]);
      if (value.trim().length > 3) expect(failure?.message).not.toContain(value.trim());
    }
  });

  it("refuses credentials already expired by this host's clock, however far back, naming the clock", () => {
    for (let i = 0; i < 200; i++) {
      const ago = pick([0, between(1, SECOND), between(SECOND, HOUR), between(HOUR, 20 * 365 * 24 * HOUR)]);
      // STS's clock as the SDK saw it: agreeing, or behind ours (the sandbox clock is ahead).
      const offset = pick([0, -between(4 * MINUTE, 48 * HOUR)]);
      const failure = unusableCredentials({ ...GOOD, expiresAtMs: NOW - ago }, NOW, offset);
      expect(failure?.code).toBe(UNUSABLE_CODE);
      expect(failure?.message).toContain("already expired");
      expect(failure?.message).toContain("the clock or STS is wrong");
      if (offset !== 0) expect(failure?.message).toMatch(/this host's clock is \d+ minutes ahead of STS's/);
    }
  });

  it("refuses an hour-long session arriving within the serve floor (a clock 59+ minutes ahead)", () => {
    for (let i = 0; i < 200; i++) {
      const remaining = between(1, 60 * SECOND + 1);
      const issued = pick([15 * MINUTE, HOUR, 12 * HOUR]);
      const failure = unusableCredentials({ ...GOOD, expiresAtMs: NOW + remaining }, NOW, remaining - issued);
      expect(failure?.message, `${remaining} ms left of ${issued}`).toContain("about to expire");
    }
  });

  it("refuses credentials that STS itself considers expired, even if our clock is behind", () => {
    const failure = unusableCredentials({ ...GOOD, expiresAtMs: NOW + HOUR }, NOW, 2 * HOUR);
    expect(failure?.code).toBe(UNUSABLE_CODE);
  });

  it("refuses an unparseable Expiration", () => {
    for (const expiresAtMs of [
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      1e300,
      -1e300,
      8.64e15 + 1,
    ]) {
      expect(unusableCredentials({ ...GOOD, expiresAtMs }, NOW)?.message).toContain(
        "without a valid Expiration",
      );
    }
  });

  it("refuses an expiry more than 12 hours away by either clock (year 9999, a clock days behind)", () => {
    const cases: [number, number][] = [
      [Date.UTC(9999, 11, 31, 23, 59, 59), 0],
      [8.64e15, 0],
      [NOW + MAX_STS_LIFETIME_MS + 6 * MINUTE, 0],
      // Our clock a day behind STS: STS issued an hour, but we would count 25 hours.
      [NOW + 25 * HOUR, 24 * HOUR],
    ];
    for (let i = 0; i < 100; i++) cases.push([NOW + between(13 * HOUR, 1e6 * HOUR), between(-HOUR, HOUR)]);
    for (const [expiresAtMs, offset] of cases) {
      const failure = unusableCredentials({ ...GOOD, expiresAtMs }, NOW, offset);
      expect(failure?.message, new Date(expiresAtMs).toISOString()).toContain("more than 12 hours away");
    }
  });

  it("treats a non-finite clock offset as none", () => {
    expect(unusableCredentials({ ...GOOD, expiresAtMs: NOW + HOUR }, NOW, Number.NaN)).toBeUndefined();
  });
});
