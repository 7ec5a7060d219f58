/** Sorting STS failures into "retry soon" and "tell the caller": the only place that knows error codes. */

export type FailureKind = "retryable" | "permanent";

export interface ClassifiedFailure {
  readonly kind: FailureKind;
  /** STS's error code, or ours for failures that never reached STS. */
  readonly code: string;
  readonly message: string;
  /** Status the HTTP face answers with while no valid credentials exist. */
  readonly httpStatus: number;
}

/** STS answered 200 with credentials that cannot be served (usableCredentials.ts), or unreadable. */
export const UNUSABLE_CODE = "UnusableCredentials";

const THROTTLING = new Set([
  "Throttling",
  "ThrottlingException",
  "RequestLimitExceeded",
  "TooManyRequestsException",
]);
const TRANSIENT = new Set([
  "InternalFailure",
  "InternalError",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "IDPCommunicationError",
  "RequestTimeout",
  "RequestTimeoutException",
]);
const BAD_REQUEST = new Set([
  "MalformedPolicyDocument",
  "MalformedPolicyDocumentException",
  "PackedPolicyTooLarge",
  "PackedPolicyTooLargeException",
  "ValidationError",
  "InvalidParameterValue",
]);
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENOTFOUND",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "ECONNABORTED",
]);

interface ErrorLike {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; clockSkewCorrected?: boolean };
  $retryable?: unknown;
}

/** A chained role cannot be assumed because its source role has no credentials. */
export class SourceRoleError extends Error {
  override readonly name = "SourceRoleError";
  constructor(
    readonly sourceRole: string,
    readonly failure: ClassifiedFailure,
  ) {
    super(`source role ${sourceRole} has no credentials: ${failure.code}: ${failure.message}`);
  }
}

export function classifyStsError(error: unknown): ClassifiedFailure {
  if (error instanceof SourceRoleError) {
    return { ...error.failure, code: `SourceRole.${error.failure.code}`, message: error.message };
  }
  const e = (error ?? {}) as ErrorLike;
  const name = e.name ?? "Error";
  const message = oneLine(e.message ?? String(error));
  const status = e.$metadata?.httpStatusCode;
  if (name === "CredentialsProviderError") {
    return {
      kind: "permanent",
      code: "NoBaseCredentials",
      message: `no base credentials: ${message}`,
      httpStatus: 403,
    };
  }
  // STS refused the signature's time and the SDK has just corrected its clock offset from STS's Date
  // header (a sandbox clock far off): the next attempt signs with STS's time, so retry soon.
  if (e.$metadata?.clockSkewCorrected === true) {
    return {
      kind: "retryable",
      code: "ClockSkewCorrected",
      message: `this host's clock differs from STS's by more than 4 minutes; corrected for the next attempt: ${name}: ${message}`,
      httpStatus: 503,
    };
  }
  // A 200 the SDK could not read (an Expiration that is no timestamp): as unusable as an expired one.
  if (status !== undefined && status >= 200 && status < 300) {
    return {
      kind: "retryable",
      code: UNUSABLE_CODE,
      message: `STS answered AssumeRole with a body that cannot be read: ${name}: ${message}`,
      httpStatus: 503,
    };
  }
  if (THROTTLING.has(name) || TRANSIENT.has(name))
    return { kind: "retryable", code: name, message, httpStatus: 503 };
  if (
    name === "TimeoutError" ||
    name === "AbortError" ||
    NETWORK_CODES.has(e.code ?? "") ||
    NETWORK_CODES.has(name)
  ) {
    return {
      kind: "retryable",
      code: "StsUnreachable",
      message: `STS did not answer: ${message}`,
      httpStatus: 503,
    };
  }
  if (status !== undefined && status >= 500)
    return { kind: "retryable", code: name, message, httpStatus: 503 };
  if (BAD_REQUEST.has(name)) return { kind: "permanent", code: name, message, httpStatus: 400 };
  if (status !== undefined && status >= 400)
    return { kind: "permanent", code: name, message, httpStatus: 403 };
  // Anything else (a parse failure, an unexpected exception) has not been seen to be permanent: retry it.
  return { kind: "retryable", code: name === "Error" ? "StsError" : name, message, httpStatus: 503 };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim().slice(0, 500);
}
