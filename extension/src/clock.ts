/** Time and timers behind one interface, so refresh logic is tested with a fake clock. */
export interface Clock {
  now(): number;
  /** Runs `fn` after `ms` without keeping the process alive; returns a cancel function. */
  schedule(fn: () => void, ms: number): () => void;
}

/** setTimeout's longest delay; a longer one fires after 1 ms (callers re-check and wait again). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  schedule(fn, ms) {
    const timer = setTimeout(fn, Math.min(MAX_TIMER_MS, Math.max(0, ms)));
    timer.unref();
    return () => clearTimeout(timer);
  },
};
