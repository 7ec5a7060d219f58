/**
 * When to refresh, and whether credentials may still be served: pure functions of the clock.
 *
 * Policy (docs/configuration.md, "Refresh policy"):
 * - Refresh `margin` before expiry, where margin = min(refreshBeforeExpirySeconds, lifetime / 2).
 *   The default 20 minutes keeps served credentials above the 15 minutes at which botocore and .NET
 *   refresh and below which Java v1 refuses them, with 5 minutes to spare for retries.
 *   Capping at half the lifetime means a short session (900 s, the STS minimum) is refreshed at most
 *   twice per lifetime, not on every request.
 * - Jitter moves each refresh up to 10% of the margin later (never earlier, so the margin is the
 *   most any session loses), spreading a fleet started together: with the default, a refresh comes
 *   18 to 20 minutes before expiry.
 * - Credentials are served until `min(60 s, lifetime / 10)` before expiry, never later: an SDK must
 *   have time to sign and send with them.
 */
export interface Session {
  readonly issuedAtMs: number;
  readonly expiresAtMs: number;
}

export interface RefreshSettings {
  readonly refreshBeforeExpirySeconds: number;
}

export const JITTER_FRACTION = 0.1;
const SERVE_FLOOR_MS = 60_000;

export function lifetimeMs(session: Session): number {
  return Math.max(0, session.expiresAtMs - session.issuedAtMs);
}

export function refreshMarginMs(session: Session, settings: RefreshSettings): number {
  return Math.min(settings.refreshBeforeExpirySeconds * 1000, lifetimeMs(session) / 2);
}

/** The moment to refresh; `random` in [0, 1) picks the jitter. */
export function refreshAtMs(session: Session, settings: RefreshSettings, random: number): number {
  const margin = refreshMarginMs(session, settings);
  return Math.round(session.expiresAtMs - margin + random * JITTER_FRACTION * margin);
}

/** The last moment these credentials may be handed out. */
export function serveUntilMs(session: Session): number {
  return session.expiresAtMs - Math.min(SERVE_FLOOR_MS, lifetimeMs(session) / 10);
}

export function isServable(session: Session, nowMs: number): boolean {
  return nowMs < serveUntilMs(session);
}

/**
 * Exponential backoff with full jitter (AWS Architecture Blog) from the first retry: uniform in
 * [floor, min(cap, base·2^attempt)], so environments failing at the same moment (a fleet throttled
 * together) spread out at once instead of retrying in lock-step. The floor keeps a retry from
 * coming at once.
 */
export interface BackoffSettings {
  /** The ceiling of the first retry's delay; it doubles with each attempt. */
  readonly baseMs: number;
  readonly capMs: number;
  /** The least delay at any attempt. */
  readonly floorMs: number;
  /** Jitter covers only the top part of [floor, ceiling]: the delay is at least ceiling × this. */
  readonly floorFraction?: number;
}

export const RETRYABLE_BACKOFF: BackoffSettings = { baseMs: 500, capMs: 60_000, floorMs: 100 };
/**
 * Permanent errors (AccessDenied…) are retried slowly: a fixed trust policy should work within
 * minutes. The first retry comes 5 to 30 s after the failure.
 */
export const PERMANENT_BACKOFF: BackoffSettings = { baseMs: 30_000, capMs: 300_000, floorMs: 5_000 };
/**
 * Unusable answers (expired on arrival, blank fields) come from a wrong clock or a broken STS, which
 * seconds will not fix: a ceiling of 5 s, not 0.5 s, doubling, and never less than half the ceiling,
 * so even the unluckiest jitter cannot keep calling every few seconds ("equal jitter"); at worst ~30
 * calls an hour.
 */
export const UNUSABLE_BACKOFF: BackoffSettings = {
  baseMs: 5_000,
  capMs: 300_000,
  floorMs: 1_000,
  floorFraction: 0.5,
};

export function backoffDelayMs(attempt: number, settings: BackoffSettings, random: number): number {
  const ceiling = Math.min(settings.capMs, settings.baseMs * 2 ** Math.min(attempt, 30));
  const floor = Math.min(ceiling, Math.max(settings.floorMs, ceiling * (settings.floorFraction ?? 0)));
  return Math.round(floor + random * (ceiling - floor));
}
