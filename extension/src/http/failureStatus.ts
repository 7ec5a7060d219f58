import type { FailureCause } from "../sts/stsErrors.js";

/**
 * The status a credentials request is answered with while its role has no credentials, by what
 * failed: the one place that turns the role engine's failures into HTTP. 503 says "try again"
 * (SDKs retry it); 403 and 400 say retrying will not help until something is changed; 500, that the
 * sidecar itself is set up wrong.
 */
const STATUS_BY_CAUSE: Readonly<Record<FailureCause, number>> = {
  pending: 503,
  unavailable: 503,
  noBaseCredentials: 403,
  refused: 403,
  invalidRequest: 400,
  // The sidecar's own settings are wrong: a server error, and not 503, for nothing will pass by itself.
  misconfigured: 500,
};

export function failureStatus(cause: FailureCause): number {
  return STATUS_BY_CAUSE[cause];
}
