/**
 * Whether an AssumeRole answer can be served: a pure function of the answer and the clock.
 *
 * STS answering 200 does not make the credentials usable. A sandbox clock ahead of STS sees them
 * already expired; a broken or hostile endpoint can answer blank fields or an expiry in year 9999.
 * Any of these is a failure ("the clock or STS is wrong"), retried with backoff like any other,
 * while older credentials that are still valid keep being served.
 */

import { isoTimestamp } from "../platform/utcTime.js";
import type { RoleCredentials } from "../sts/credentials.js";
import { type ClassifiedFailure, UNUSABLE_CODE } from "../sts/stsErrors.js";
import { isServable } from "./refreshPolicy.js";

export { UNUSABLE_CODE };

/** STS issues at most 12 hours (DurationSeconds ≤ 43200). */
export const MAX_STS_LIFETIME_MS = 43_200_000;
/** Slack on top, for the few seconds between STS issuing and us reading the answer. */
const LIFETIME_SLACK_MS = 5 * 60_000;
/** The SDK's own threshold for "the clock is skewed" (isClockSkewed): below it, offsets are noise. */
const SKEW_WORTH_NAMING_MS = 240_000;

const FIELDS = [
  ["AccessKeyId", "accessKeyId"],
  ["SecretAccessKey", "secretAccessKey"],
  ["SessionToken", "sessionToken"],
] as const;

/**
 * Real keys, secrets and tokens are printable ASCII without spaces (base64 and letters), a few KB at
 * most; anything else (blank, whitespace, control or non-ASCII characters, megabytes) would break
 * the SDKs that put them in HTTP headers.
 */
const CREDENTIAL_TEXT = /^[\x21-\x7E]{1,65536}$/;

/**
 * undefined when `credentials` may be served and scheduled; otherwise why not.
 * `stsClockOffsetMs` is STS's clock minus ours, as the SDK learnt it from the answer's Date header
 * (0 when they agree within its 4-minute threshold): with it, "expires in 30 s" tells a session
 * STS issued for 30 s (a test stand-in) from one issued for an hour by a clock 59 minutes ahead.
 */
export function unusableCredentials(
  credentials: Pick<RoleCredentials, "accessKeyId" | "secretAccessKey" | "sessionToken" | "expiresAtMs">,
  nowMs: number,
  stsClockOffsetMs = 0,
): ClassifiedFailure | undefined {
  for (const [wire, field] of FIELDS) {
    const value = credentials[field];
    if (typeof value !== "string" || !CREDENTIAL_TEXT.test(value)) {
      const what = typeof value !== "string" || value === "" ? "an empty" : "a blank or malformed";
      return unusable(`STS answered AssumeRole with ${what} ${wire}`);
    }
  }
  const expiresAtMs = credentials.expiresAtMs;
  // Date's range ends at ±8.64e15 ms; past it there is no such time to print.
  if (!Number.isFinite(expiresAtMs) || Math.abs(expiresAtMs) > 8.64e15)
    return unusable("STS answered AssumeRole without a valid Expiration");
  const expiration = isoTimestamp(expiresAtMs);
  const offset = Number.isFinite(stsClockOffsetMs) ? stsClockOffsetMs : 0;
  const remainingMs = expiresAtMs - nowMs;
  const issuedLifetimeMs = expiresAtMs - (nowMs + offset);
  const clocks = describeClocks(offset);
  if (remainingMs <= 0) return expiring("already expired", expiration, nowMs, clocks);
  if (Math.max(remainingMs, issuedLifetimeMs) > MAX_STS_LIFETIME_MS + LIFETIME_SLACK_MS) {
    return unusable(
      `STS answered AssumeRole with Expiration ${expiration}, more than 12 hours away; ${clocks}: the clock or STS is wrong`,
    );
  }
  // Servable now, with the serve floor of the lifetime STS meant to issue (not the one we see).
  if (issuedLifetimeMs <= 0 || !isServable({ issuedAtMs: nowMs + offset, expiresAtMs }, nowMs)) {
    return expiring("about to expire", expiration, nowMs, clocks);
  }
  return undefined;
}

function expiring(when: string, expiration: string, nowMs: number, clocks: string): ClassifiedFailure {
  return unusable(
    `STS answered AssumeRole with credentials ${when} (Expiration ${expiration}, this host's clock ${isoTimestamp(nowMs)}); ${clocks}: the clock or STS is wrong`,
  );
}

function describeClocks(offsetMs: number): string {
  if (Math.abs(offsetMs) < SKEW_WORTH_NAMING_MS)
    return "this host's clock agrees with STS's within 4 minutes";
  const minutes = Math.round(Math.abs(offsetMs) / 60_000);
  return `this host's clock is ${minutes} minutes ${offsetMs < 0 ? "ahead of" : "behind"} STS's`;
}

function unusable(message: string): ClassifiedFailure {
  return { kind: "retryable", cause: "unavailable", code: UNUSABLE_CODE, message };
}
