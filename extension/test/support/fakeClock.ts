import type { Clock } from "../../src/platform/clock.js";

interface Timer {
  readonly atMs: number;
  readonly order: number;
  readonly fn: () => void;
}

/**
 * A Clock whose time moves only when a test says so.
 * - `advance(ms)` moves time forward, running every timer that falls due on the way, in due order
 *   (ties in the order they were scheduled), with `now()` equal to each timer's due time as it runs.
 * - `jump(ms)` moves time without running timers: a sandbox that was frozen, whose timers are late.
 */
export class FakeClock implements Clock {
  private nowMs: number;
  private timers: Timer[] = [];
  private scheduled = 0;

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.nowMs = startMs;
  }

  now(): number {
    return this.nowMs;
  }

  schedule(fn: () => void, ms: number): () => void {
    const timer: Timer = { atMs: this.nowMs + Math.max(0, ms), order: this.scheduled++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  advance(ms: number): void {
    const target = this.nowMs + ms;
    for (let timer = this.nextDue(target); timer !== undefined; timer = this.nextDue(target)) {
      this.timers = this.timers.filter((t) => t !== timer);
      this.nowMs = Math.max(this.nowMs, timer.atMs);
      timer.fn();
    }
    this.nowMs = target;
  }

  jump(ms: number): void {
    this.nowMs += ms;
  }

  /** Timers scheduled and neither run nor cancelled. */
  pendingTimers(): number {
    return this.timers.length;
  }

  /** Due times of the pending timers, earliest first. */
  pendingDueTimes(): number[] {
    return this.timers.map((t) => t.atMs).sort((a, b) => a - b);
  }

  private nextDue(target: number): Timer | undefined {
    let next: Timer | undefined;
    for (const timer of this.timers) {
      if (timer.atMs > target) continue;
      if (
        next === undefined ||
        timer.atMs < next.atMs ||
        (timer.atMs === next.atMs && timer.order < next.order)
      )
        next = timer;
    }
    return next;
  }
}

/** Lets promise callbacks queued so far run (one macrotask turn); not a sleep: no time passes. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Advances fake time `ms` in steps of `stepMs`, letting what each step's timers started settle. */
export async function runTimers(clock: FakeClock, ms: number, stepMs: number): Promise<void> {
  for (let passed = 0; passed < ms; passed += stepMs) {
    clock.advance(stepMs);
    await settle();
  }
}

/** A promise resolved or rejected by hand. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
