/** Sorting STS failures into "retry soon" and "tell the caller": the only place that knows error codes. */

export type FailureKind = "retryable" | "permanent";

/** What failed, in the terms a caller is answered in (http/failureStatus.ts maps each to a status). */
export type FailureCause =
  /** No AssumeRole has finished yet. */
  | "pending"
  /** STS or the way to it failed in a way that passes: throttled, 5xx, unreachable, an unusable answer. */
  | "unavailable"
  /** The sidecar's own (base) credentials are missing: no role can be assumed. */
  | "noBaseCredentials"
  /** STS refused this role to these credentials (AccessDenied, ExpiredToken, any other 4xx). */
  | "refused"
  /** STS found the request itself malformed (a policy, a parameter). */
  | "invalidRequest"
  /**
   * The sidecar's own settings name no STS endpoint the SDK's rules accept (FIPS or dual-stack with a
   * custom endpoint, an invalid region or endpoint URL, a proxy this node cannot use): nothing was
   * sent, and retrying cannot help.
   */
  | "misconfigured";

export interface ClassifiedFailure {
  readonly kind: FailureKind;
  readonly cause: FailureCause;
  /** STS's error code, or ours for failures that never reached STS. */
  readonly code: string;
  readonly message: string;
}

/** STS answered 200 with credentials that cannot be served (usableCredentials.ts), or unreadable. */
export const UNUSABLE_CODE = "UnusableCredentials";
const NO_BASE_CREDENTIALS_CODE = "NoBaseCredentials";

/** This role's own failure is the missing base credentials (not a chained role's inherited one). */
export function lacksBaseCredentials(failure: ClassifiedFailure): boolean {
  return failure.code === NO_BASE_CREDENTIALS_CODE;
}

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
      cause: "noBaseCredentials",
      code: NO_BASE_CREDENTIALS_CODE,
      message: `no base credentials: ${message}`,
    };
  }
  const misconfiguration = misconfigurationCode(e, message);
  if (misconfiguration !== undefined) {
    return {
      kind: "permanent",
      cause: "misconfigured",
      code: misconfiguration,
      message: `no STS endpoint for these settings (fix the configuration; retrying cannot help): ${message}`,
    };
  }
  // STS refused the signature's time and the SDK has just corrected its clock offset from STS's Date
  // header (a sandbox clock far off): the next attempt signs with STS's time, so retry soon.
  if (e.$metadata?.clockSkewCorrected === true) {
    return {
      kind: "retryable",
      cause: "unavailable",
      code: "ClockSkewCorrected",
      message: `this host's clock differs from STS's by more than 4 minutes; corrected for the next attempt: ${name}: ${message}`,
    };
  }
  // A 200 the SDK could not read (an Expiration that is no timestamp): as unusable as an expired one.
  if (status !== undefined && status >= 200 && status < 300) {
    return {
      kind: "retryable",
      cause: "unavailable",
      code: UNUSABLE_CODE,
      message: `STS answered AssumeRole with a body that cannot be read: ${name}: ${message}`,
    };
  }
  if (THROTTLING.has(name) || TRANSIENT.has(name))
    return { kind: "retryable", cause: "unavailable", code: name, message };
  if (
    name === "TimeoutError" ||
    name === "AbortError" ||
    NETWORK_CODES.has(e.code ?? "") ||
    NETWORK_CODES.has(name)
  ) {
    return {
      kind: "retryable",
      cause: "unavailable",
      code: "StsUnreachable",
      message: `STS did not answer: ${message}`,
    };
  }
  if (status !== undefined && status >= 500)
    return { kind: "retryable", cause: "unavailable", code: name, message };
  if (BAD_REQUEST.has(name)) return { kind: "permanent", cause: "invalidRequest", code: name, message };
  if (status !== undefined && status >= 400)
    return { kind: "permanent", cause: "refused", code: name, message };
  // Anything else (a parse failure, an unexpected exception) has not been seen to be permanent: retry it.
  const code = name === "Error" ? "StsError" : name;
  return { kind: "retryable", cause: "unavailable", code, message };
}

/**
 * The SDK's refusals of its own configuration, thrown before any request is sent: the endpoint
 * rules' EndpointError ("Invalid Configuration: FIPS and custom endpoint are not supported", "Invalid
 * region …"), an endpoint URL that does not parse, a missing or malformed region; and proxy
 * variables this node cannot honour.
 */
function misconfigurationCode(e: ErrorLike, message: string): string | undefined {
  if (e.$metadata?.httpStatusCode !== undefined) return undefined;
  if (e.name === "EndpointError" || /^Invalid Configuration: /.test(message)) return "EndpointError";
  if (e.code === "ERR_INVALID_URL") return "InvalidEndpointUrl";
  // stsHttp.ts's refusal of proxy variables on a node without proxy support.
  if (e.code === "ERR_PROXY_UNSUPPORTED") return "ProxyUnsupported";
  if (/^Region (is missing|not accepted)/.test(message)) return "InvalidRegion";
  return undefined;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim().slice(0, 500);
}
