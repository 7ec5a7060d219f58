/** Time and timers behind one interface, so refresh logic is tested with a fake clock. */
export interface Clock {
  now(): number;
  /** Runs `fn` after `ms` without keeping the process alive; returns a cancel function. */
  schedule(fn: () => void, ms: number): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  schedule(fn, ms) {
    const timer = setTimeout(fn, Math.max(0, ms));
    timer.unref();
    return () => clearTimeout(timer);
  },
};
