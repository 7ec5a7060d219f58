import type { ClassifiedFailure } from "../sts/stsErrors.js";
import { UNUSABLE_CODE } from "./usableCredentials.js";

/** A failure that repeats unchanged is logged loud again at most this often. */
export const REPEAT_LOG_INTERVAL_MS = 10 * 60_000;

/**
 * Decides which failures are logged at warn/error and which at debug, so a failure that repeats
 * for hours (a wrong clock) is one line, not one per attempt.
 * Rule, for failures of a quieted code (an unusable STS answer): the first one is loud; a repeat is
 * loud only when its kind changed (code, or message once dates and numbers are ignored) or
 * REPEAT_LOG_INTERVAL_MS passed since the last loud one, and then says how many went unlogged.
 * Other failures are always loud: their backoff already spaces them out, and each attempt number
 * in the log is what an operator follows through an outage.
 */
export class RepeatedFailures {
  private last: { key: string; atMs: number } | undefined;
  private unlogged = 0;

  constructor(private readonly quieted: (failure: ClassifiedFailure) => boolean = isUnusable) {}

  observe(failure: ClassifiedFailure, nowMs: number): { loud: boolean; unlogged: number } {
    if (!this.quieted(failure)) {
      this.reset();
      return { loud: true, unlogged: 0 };
    }
    const key = `${failure.code}\u0000${failure.message.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z|\d+/g, "#")}`;
    const last = this.last;
    if (last !== undefined && last.key === key && nowMs - last.atMs < REPEAT_LOG_INTERVAL_MS) {
      this.unlogged++;
      return { loud: false, unlogged: 0 };
    }
    const unlogged = last?.key === key ? this.unlogged : 0;
    this.last = { key, atMs: nowMs };
    this.unlogged = 0;
    return { loud: true, unlogged };
  }

  /** A success ends the run of failures: the next failure is news. */
  reset(): void {
    this.last = undefined;
    this.unlogged = 0;
  }
}

function isUnusable(failure: ClassifiedFailure): boolean {
  return failure.code === UNUSABLE_CODE;
}
