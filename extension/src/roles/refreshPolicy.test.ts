import { describe, expect, it } from "vitest";
import {
  backoffDelayMs,
  isServable,
  lifetimeMs,
  PERMANENT_BACKOFF,
  RETRYABLE_BACKOFF,
  refreshAtMs,
  refreshMarginMs,
  type Session,
  serveUntilMs,
  UNUSABLE_BACKOFF,
} from "./refreshPolicy.js";

const ISSUED = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;
const session = (lifetimeSeconds: number): Session => ({
  issuedAtMs: ISSUED,
  expiresAtMs: ISSUED + lifetimeSeconds * 1000,
});
const DEFAULTS = { refreshBeforeExpirySeconds: 1200 };

describe("refresh margin", () => {
  it("is 20 minutes for a one-hour session", () => {
    expect(refreshMarginMs(session(3600), DEFAULTS)).toBe(20 * MINUTE);
  });

  it("is capped at half the lifetime of a 900 s session", () => {
    expect(refreshMarginMs(session(900), DEFAULTS)).toBe(450_000);
  });

  it("follows refreshBeforeExpirySeconds when it is below half the lifetime", () => {
    expect(refreshMarginMs(session(43200), { refreshBeforeExpirySeconds: 300 })).toBe(300_000);
  });

  it("treats an already expired session as a lifetime of 0", () => {
    const backwards = { issuedAtMs: ISSUED, expiresAtMs: ISSUED - 1000 };

    expect(lifetimeMs(backwards)).toBe(0);
    expect(refreshMarginMs(backwards, DEFAULTS)).toBe(0);
  });
});

describe("refreshAtMs", () => {
  it("refreshes exactly the margin before expiry with random 0", () => {
    expect(refreshAtMs(session(3600), DEFAULTS, 0)).toBe(ISSUED + 40 * MINUTE);
  });

  it("moves at most 10% of the margin later with random near 1, never earlier than the margin", () => {
    const s = session(3600);

    const at = refreshAtMs(s, DEFAULTS, 0.999);

    expect(at).toBe(s.expiresAtMs - 1_200_000 + 119_880);
    // Still more than 15 minutes (the botocore/.NET threshold) before expiry.
    expect(s.expiresAtMs - at).toBeGreaterThan(15 * MINUTE);
  });

  it("refreshes a 900 s session at half its lifetime, not on every request", () => {
    const s = session(900);

    expect(refreshAtMs(s, DEFAULTS, 0)).toBe(ISSUED + 450_000);
    expect(refreshAtMs(s, DEFAULTS, 0.999)).toBe(ISSUED + 450_000 + 44_955);
  });
});

describe("serveUntilMs", () => {
  it("stops serving 60 s before expiry", () => {
    const s = session(3600);

    expect(serveUntilMs(s)).toBe(s.expiresAtMs - MINUTE);
    expect(isServable(s, s.expiresAtMs - MINUTE - 1)).toBe(true);
    expect(isServable(s, s.expiresAtMs - MINUTE)).toBe(false);
  });

  it("stops serving a tenth of the lifetime before expiry when that is under 60 s", () => {
    const s = session(100);

    expect(serveUntilMs(s)).toBe(s.expiresAtMs - 10_000);
  });

  it("never serves expired credentials", () => {
    const s = session(3600);

    expect(isServable(s, s.expiresAtMs)).toBe(false);
    expect(isServable(s, s.expiresAtMs + 1)).toBe(false);
  });
});

describe("backoffDelayMs", () => {
  it("jitters from the first retry, above a floor", () => {
    expect(backoffDelayMs(0, RETRYABLE_BACKOFF, 0)).toBe(100);
    expect(backoffDelayMs(0, RETRYABLE_BACKOFF, 0.5)).toBe(300);
    expect(backoffDelayMs(0, RETRYABLE_BACKOFF, 0.999)).toBe(500);
    expect(backoffDelayMs(0, PERMANENT_BACKOFF, 0)).toBe(5_000);
    expect(backoffDelayMs(0, PERMANENT_BACKOFF, 0.5)).toBe(17_500);
    expect(backoffDelayMs(0, UNUSABLE_BACKOFF, 0)).toBe(2_500);
    expect(backoffDelayMs(0, UNUSABLE_BACKOFF, 0.999)).toBe(4_998);
  });

  it("stays within [floor, base * 2^attempt]", () => {
    for (const settings of [RETRYABLE_BACKOFF, PERMANENT_BACKOFF, UNUSABLE_BACKOFF]) {
      for (let attempt = 0; attempt < 12; attempt++) {
        const ceiling = Math.min(settings.capMs, settings.baseMs * 2 ** attempt);
        for (const random of [0, 0.25, 0.5, 0.75, 0.999]) {
          const delay = backoffDelayMs(attempt, settings, random);
          expect(delay).toBeGreaterThanOrEqual(settings.floorMs);
          expect(delay).toBeLessThanOrEqual(ceiling);
        }
        // Full jitter: the whole range below the ceiling is drawn from, down to the floor.
        expect(backoffDelayMs(attempt, settings, 0)).toBe(
          Math.max(settings.floorMs, ceiling * (settings.floorFraction ?? 0)),
        );
      }
    }
  });

  it("doubles its ceiling with each attempt", () => {
    expect(backoffDelayMs(1, RETRYABLE_BACKOFF, 0.999)).toBe(999);
    expect(backoffDelayMs(2, RETRYABLE_BACKOFF, 0.999)).toBe(1998);
    expect(backoffDelayMs(3, RETRYABLE_BACKOFF, 0.999)).toBe(3996);
  });

  it("never passes the cap, however many attempts", () => {
    for (const attempt of [7, 8, 20, 1000, Number.MAX_SAFE_INTEGER]) {
      const delay = backoffDelayMs(attempt, RETRYABLE_BACKOFF, 0.999);
      expect(delay).toBeLessThanOrEqual(60_000);
      expect(delay).toBeGreaterThan(59_000);
    }
    expect(backoffDelayMs(100, PERMANENT_BACKOFF, 0.999)).toBeLessThanOrEqual(300_000);
    expect(backoffDelayMs(100, PERMANENT_BACKOFF, 0.999)).toBeGreaterThan(290_000);
  });
});
