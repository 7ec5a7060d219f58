import { afterEach, describe, expect, it, vi } from "vitest";
import { MAX_TIMER_MS, systemClock } from "./clock.js";

describe("systemClock.schedule", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each([MAX_TIMER_MS, MAX_TIMER_MS + 1, 1e12, Number.MAX_SAFE_INTEGER])(
    "caps a %d ms delay at setTimeout's limit instead of firing after 1 ms",
    (ms) => {
      vi.useFakeTimers();
      let fired = false;
      systemClock.schedule(() => {
        fired = true;
      }, ms);

      vi.advanceTimersByTime(1000);
      const early = fired;
      vi.advanceTimersByTime(MAX_TIMER_MS);

      expect(early).toBe(false);
      expect(fired).toBe(true);
    },
  );
});
