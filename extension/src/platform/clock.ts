/** Time and timers behind one interface, so refresh logic is tested with a fake clock. */
export interface Clock {
  now(): number;
  /**
   * Runs `fn` after `ms` without keeping the process alive; returns a cancel function. A delay past
   * MAX_TIMER_MS fires early (callers re-check the time and wait again); NaN or negative fires at once.
   */
  schedule(fn: () => void, ms: number): () => void;
}

/** setTimeout's longest delay (2^31 - 1 ms, 24.8 days); beyond it Node fires after 1 ms and warns. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export function timerDelayMs(ms: number): number {
  if (Number.isNaN(ms) || ms <= 0) return 0;
  return Math.min(ms, MAX_TIMER_MS);
}

export const systemClock: Clock = {
  now: () => Date.now(),
  schedule(fn, ms) {
    const timer = setTimeout(fn, timerDelayMs(ms));
    timer.unref();
    return () => clearTimeout(timer);
  },
};

/**
 * Milliseconds since the process started, as `performance.now()` counts them, read from
 * `process.uptime()`: the first use of the `performance` global loads node:perf_hooks, about a
 * millisecond of start-up.
 */
export function msSinceStart(): number {
  return process.uptime() * 1000;
}
