import { afterEach, describe, expect, it, vi } from "vitest";
import { MAX_TIMER_MS, msSinceStart, systemClock, timerDelayMs } from "./clock.js";

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

describe("msSinceStart", () => {
  it("counts milliseconds as performance.now() does", () => {
    // Each reading of ours between two of performance.now(): a pause anywhere cannot fail it.
    const read = () => ({ before: performance.now(), ours: msSinceStart(), after: performance.now() });
    const start = read();
    const until = Date.now() + 30;
    while (Date.now() < until) {
      // Busy for 30 ms.
    }
    const end = read();
    const ours = end.ours - start.ours;
    expect(ours).toBeGreaterThanOrEqual(end.before - start.after - 0.01);
    expect(ours).toBeLessThanOrEqual(end.after - start.before + 0.01);
    expect(ours).toBeGreaterThanOrEqual(29);
  });

  it("counts from the process's start", () => {
    const ours = msSinceStart();
    expect(ours).toBeGreaterThan(0);
    expect(ours).toBeLessThanOrEqual(process.uptime() * 1000);
  });
});
