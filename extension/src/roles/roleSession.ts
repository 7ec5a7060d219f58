import type { Clock } from "../platform/clock.js";
import type { Logger } from "../platform/log.js";
import type { Metrics } from "../platform/metrics.js";
import { isoTimestamp } from "../platform/utcTime.js";
import type { IssuedCredentials, RoleCredentials } from "../sts/credentials.js";
import { type ClassifiedFailure, classifyStsError, SourceRoleError } from "../sts/stsErrors.js";
import {
  backoffDelayMs,
  isServable,
  PERMANENT_BACKOFF,
  RETRYABLE_BACKOFF,
  type RefreshSettings,
  refreshAtMs,
  type Session,
  serveUntilMs,
  UNUSABLE_BACKOFF,
} from "./refreshPolicy.js";
import { RepeatedFailures } from "./repeatedFailures.js";
import { UNUSABLE_CODE, unusableCredentials } from "./usableCredentials.js";

export type Acquired =
  | { readonly ok: true; readonly credentials: RoleCredentials }
  | { readonly ok: false; readonly failure: ClassifiedFailure; readonly retryAfterMs: number };

export type RoleState = "pending" | "ready" | "failed";

interface Current {
  readonly credentials: RoleCredentials;
  readonly session: Session;
  readonly refreshAtMs: number;
}

export interface RoleSessionOptions {
  readonly name: string;
  readonly settings: RefreshSettings;
  /** One AssumeRole call; throws what the STS client throws. */
  readonly assume: () => Promise<IssuedCredentials>;
  readonly clock: Clock;
  readonly random: () => number;
  readonly log: Logger;
  readonly metrics?: Metrics;
}

/**
 * The least delay before a timer-started attempt, so no failure can turn the timer chain into a busy
 * loop; no more than the least backoff, or it would round jittered retries up to one moment.
 */
const MIN_TIMER_MS = RETRYABLE_BACKOFF.floorMs;

const PENDING: ClassifiedFailure = {
  kind: "retryable",
  cause: "pending",
  code: "CredentialsPending",
  message: "the role is being assumed",
};

/**
 * One role's credentials: assumed once, refreshed ahead of expiry, shared by every caller.
 * At most one AssumeRole is in flight; failures back off with jitter while the last good
 * credentials keep being served until they are too close to expiry to hand out.
 */
export class RoleSession {
  private current: Current | undefined;
  private inFlight: Promise<void> | undefined;
  private lastFailure: ClassifiedFailure | undefined;
  private consecutiveFailures = 0;
  private nextAttemptAtMs = 0;
  private cancelTimer: (() => void) | undefined;
  private stopped = false;
  private readonly repeats = new RepeatedFailures();
  /** Callers of attemptSettled() that came while no attempt was in flight. */
  private settledWaiters: (() => void)[] = [];

  constructor(private readonly options: RoleSessionOptions) {}

  get name(): string {
    return this.options.name;
  }

  state(): RoleState {
    if (this.current !== undefined && isServable(this.current.session, this.options.clock.now()))
      return "ready";
    return this.lastFailure?.kind === "permanent" ? "failed" : "pending";
  }

  /** The last failure, while no AssumeRole has succeeded since. */
  failure(): ClassifiedFailure | undefined {
    return this.lastFailure;
  }

  /** Starts an AssumeRole if one is due and none is running; resolves when that attempt settles. */
  refreshIfDue(): Promise<void> {
    if (this.inFlight !== undefined) return this.inFlight;
    if (this.stopped || this.options.clock.now() < this.dueAtMs()) return Promise.resolve();
    this.inFlight = this.attempt().finally(() => {
      this.inFlight = undefined;
      this.releaseWaiters();
    });
    return this.inFlight;
  }

  /** Resolves once the attempt in flight, or else the next one (or stop()), has settled. */
  attemptSettled(): Promise<void> {
    if (this.inFlight !== undefined) return this.inFlight;
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  /** Credentials now, waiting up to `waitMs` for an attempt in flight when none are servable. */
  async acquire(waitMs: number): Promise<Acquired> {
    const attempt = this.refreshIfDue();
    const served = this.servable();
    if (served !== undefined) return served;
    if (this.inFlight !== undefined && waitMs > 0) {
      let cancel: (() => void) | undefined;
      const timeout = new Promise<void>((resolve) => {
        cancel = this.options.clock.schedule(resolve, waitMs);
      });
      await Promise.race([attempt, timeout]);
      cancel?.();
    }
    return this.servable() ?? this.unavailable();
  }

  /**
   * Credentials for a role chained from this one: waits for the attempt in flight however long it
   * takes (the chained role's own caller bounds the wait), and throws this role's failure.
   */
  async credentialsForChain(): Promise<RoleCredentials> {
    await this.refreshIfDue();
    const served = this.servable();
    if (served?.ok) return served.credentials;
    throw new SourceRoleError(this.options.name, this.lastFailure ?? PENDING);
  }

  stop(): void {
    this.stopped = true;
    this.cancelTimer?.();
    this.releaseWaiters();
  }

  private releaseWaiters(): void {
    const waiters = this.settledWaiters;
    this.settledWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private servable(): Acquired | undefined {
    const current = this.current;
    if (current === undefined || !isServable(current.session, this.options.clock.now())) return undefined;
    return { ok: true, credentials: current.credentials };
  }

  private unavailable(): Acquired {
    const failure = this.lastFailure ?? PENDING;
    const retryAfterMs = Math.max(1000, this.nextAttemptAtMs - this.options.clock.now());
    return { ok: false, failure, retryAfterMs };
  }

  /** When the next AssumeRole is due: the refresh time, or the end of a backoff. */
  private dueAtMs(): number {
    return Math.max(this.nextAttemptAtMs, this.current?.refreshAtMs ?? 0);
  }

  /**
   * One attempt, never rejecting (a request or a timer may have started it, and nobody may be
   * waiting), and always followed by a timer for the next one: where nothing else wakes the sidecar
   * (Managed Instances, standalone), that timer chain is all that keeps credentials fresh.
   */
  private async attempt(): Promise<void> {
    try {
      await this.assumeOnce();
    } catch (error) {
      // A bug in the bookkeeping below, not an STS failure (those are handled there): keep going.
      this.nextAttemptAtMs = this.options.clock.now() + RETRYABLE_BACKOFF.capMs;
      this.options.log.error("unexpected error around AssumeRole; the timer retries", {
        role: this.options.name,
        event: "internal-error",
        error: (error as Error)?.message ?? String(error),
      });
    } finally {
      this.scheduleAt(Math.max(this.dueAtMs(), this.options.clock.now() + MIN_TIMER_MS));
    }
  }

  private async assumeOnce(): Promise<void> {
    const { clock } = this.options;
    const startedAtMs = clock.now();
    let failure: ClassifiedFailure | undefined;
    try {
      const credentials = await this.options.assume();
      failure = unusableCredentials(credentials, clock.now(), credentials.stsClockOffsetMs);
      if (failure === undefined) this.succeeded(credentials, startedAtMs);
    } catch (error) {
      failure = classifyStsError(error);
    }
    if (failure !== undefined) this.failed(failure, startedAtMs);
  }

  private succeeded(credentials: RoleCredentials, startedAtMs: number): void {
    const { clock, log, name } = this.options;
    const issuedAtMs = clock.now();
    const session = { issuedAtMs, expiresAtMs: credentials.expiresAtMs };
    const refreshAt = refreshAtMs(session, this.options.settings, this.options.random());
    this.current = { credentials, session, refreshAtMs: refreshAt };
    this.lastFailure = undefined;
    this.consecutiveFailures = 0;
    this.nextAttemptAtMs = 0;
    this.repeats.reset();
    log.info("assumed role", {
      role: name,
      event: "assumed",
      sessionName: credentials.sessionName,
      expiration: isoTimestamp(credentials.expiresAtMs),
      refreshAt: isoTimestamp(refreshAt),
      durationMs: issuedAtMs - startedAtMs,
    });
    this.options.metrics?.assumed(name, issuedAtMs - startedAtMs);
  }

  private failed(failure: ClassifiedFailure, startedAtMs: number): void {
    const { clock, log, name } = this.options;
    this.lastFailure = failure;
    this.consecutiveFailures++;
    const backoff =
      failure.code === UNUSABLE_CODE
        ? UNUSABLE_BACKOFF
        : failure.kind === "permanent"
          ? PERMANENT_BACKOFF
          : RETRYABLE_BACKOFF;
    const backoffMs = backoffDelayMs(this.consecutiveFailures - 1, backoff, this.options.random());
    this.nextAttemptAtMs = clock.now() + backoffMs;
    const serving = this.current !== undefined && isServable(this.current.session, clock.now());
    const level = failure.kind === "permanent" ? "error" : "warn";
    const repeat = this.repeats.observe(failure, clock.now());
    log[repeat.loud ? level : "debug"]("assume role failed", {
      role: name,
      event: "assume-failed",
      code: failure.code,
      error: failure.message,
      retryable: failure.kind === "retryable",
      attempt: this.consecutiveFailures,
      ...(repeat.unlogged > 0 ? { repeatedSinceLastLogged: repeat.unlogged } : {}),
      nextAttemptAt: isoTimestamp(this.nextAttemptAtMs),
      // The delay drawn, exactly: nextAttemptAt minus this line's timestamp is less by the time logging took.
      backoffMs,
      ...(serving && this.current ? { servingUntil: isoTimestamp(serveUntilMs(this.current.session)) } : {}),
      durationMs: clock.now() - startedAtMs,
    });
    this.options.metrics?.assumeFailed(name, failure.code, failure.kind === "retryable");
  }

  /** Timers only help outside a frozen sandbox; INVOKE events and requests check freshness too. */
  private scheduleAt(atMs: number): void {
    this.cancelTimer?.();
    if (this.stopped) return;
    this.cancelTimer = this.options.clock.schedule(() => this.onTimer(), atMs - this.options.clock.now());
  }

  /**
   * A timer can fire before `now()` reaches its due time: the wall clock stepped back (NTP, on a host
   * that lives for hours), or Node rounded the delay. Then it waits again instead of ending the chain.
   */
  private onTimer(): void {
    if (this.stopped || this.inFlight !== undefined) return; // the attempt in flight schedules the next
    const due = this.dueAtMs();
    if (this.options.clock.now() < due) this.scheduleAt(due);
    else void this.refreshIfDue();
  }
}
