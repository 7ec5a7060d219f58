/**
 * A fleet failing at the same moment must not retry in lock-step: ten environments (ten sessions,
 * each with its own seeded randomness, on one fake clock) throttled or refused together spread their
 * retries over the backoff's whole range from the first retry on.
 */
import { describe, expect, it } from "vitest";
import { FakeClock, settle } from "../../test/support/fakeClock.js";
import { ACCESS_DENIED, THROTTLING } from "../../test/support/roleSessionFakes.js";
import { seededRandom } from "../../test/support/seededRandom.mjs";
import { createLogger } from "../platform/log.js";
import { type BackoffSettings, PERMANENT_BACKOFF, RETRYABLE_BACKOFF } from "./refreshPolicy.js";
import { RoleSession } from "./roleSession.js";

const ENVIRONMENTS = 10;
const ATTEMPTS = 3;

/** Ten sessions failing every AssumeRole with `error`; the clock times of each one's calls. */
async function fleetFailingWith(error: unknown): Promise<{ startMs: number; calls: number[][] }> {
  const clock = new FakeClock();
  const calls: number[][] = [];
  const sessions = Array.from({ length: ENVIRONMENTS }, (_, environment) => {
    const times: number[] = [];
    calls.push(times);
    return new RoleSession({
      name: "reader",
      settings: { refreshBeforeExpirySeconds: 1200 },
      assume: async () => {
        times.push(clock.now());
        throw error;
      },
      clock,
      random: seededRandom(1000 + environment),
      log: createLogger("error", () => {}),
    });
  });
  const startMs = clock.now();
  await Promise.all(sessions.map((session) => session.refreshIfDue()));
  // Each step runs the next timer due, then lets the attempt it started fail and schedule the next.
  while (calls.some((times) => times.length < ATTEMPTS)) {
    const next = clock.pendingDueTimes()[0];
    if (next === undefined) throw new Error("no retry is scheduled");
    clock.advance(next - clock.now());
    await settle();
  }
  for (const session of sessions) session.stop();
  return { startMs, calls };
}

describe.each([
  ["throttled (retryable)", THROTTLING, RETRYABLE_BACKOFF],
  ["refused (permanent)", ACCESS_DENIED, PERMANENT_BACKOFF],
] as [string, unknown, BackoffSettings][])(
  "ten environments %s at the same moment",
  (_kind, error, backoff) => {
    it("retry at ten different moments spread over the first retry's range, not in lock-step", async () => {
      // Act
      const { startMs, calls } = await fleetFailingWith(error);

      // Assess: all failed together (the condition), then retried apart
      expect(new Set(calls.map((times) => times[0]))).toEqual(new Set([startMs]));
      const firstRetries = calls.map((times) => (times[1] ?? Number.NaN) - startMs);
      for (const delay of firstRetries) {
        expect(delay).toBeGreaterThanOrEqual(backoff.floorMs);
        expect(delay).toBeLessThanOrEqual(backoff.baseMs);
      }
      expect(new Set(firstRetries).size).toBe(ENVIRONMENTS);
      expect(Math.max(...firstRetries) - Math.min(...firstRetries)).toBeGreaterThan(
        (backoff.baseMs - backoff.floorMs) / 2,
      );
    });

    it("stay apart at the next retry too", async () => {
      // Act
      const { calls } = await fleetFailingWith(error);

      // Assess
      const secondRetries = calls.map((times) => times[2] ?? Number.NaN);
      expect(new Set(secondRetries).size).toBe(ENVIRONMENTS);
      expect(Math.max(...secondRetries) - Math.min(...secondRetries)).toBeGreaterThan(backoff.baseMs / 2);
    });
  },
);
