import { afterEach, describe, expect, it, vi } from "vitest";
import { MAX_TIMER_MS, systemClock, timerDelayMs } from "./clock.js";

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

describe("timerDelayMs", () => {
  it("clamps every delay into what setTimeout honours (no TimeoutOverflowWarning, no 1 ms loop)", () => {
    const year9999 = Date.UTC(9999, 11, 31) - Date.now();
    const cases: [number, number][] = [
      [Number.NaN, 0],
      [Number.NEGATIVE_INFINITY, 0],
      [-5, 0],
      [0, 0],
      [1500, 1500],
      [MAX_TIMER_MS, MAX_TIMER_MS],
      [MAX_TIMER_MS + 1, MAX_TIMER_MS],
      [year9999, MAX_TIMER_MS],
      [Number.POSITIVE_INFINITY, MAX_TIMER_MS],
    ];
    for (const [ms, expected] of cases) expect(timerDelayMs(ms), String(ms)).toBe(expected);
  });

  it("schedules a year-9999 delay without a warning", async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    try {
      const cancel = systemClock.schedule(() => {}, Date.UTC(9999, 11, 31) - Date.now());
      cancel();
      // Node emits the warning on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings.filter((w) => w.name === "TimeoutOverflowWarning")).toEqual([]);
  });
});
