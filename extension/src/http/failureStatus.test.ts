import { describe, expect, it } from "vitest";
import { classifyStsError, type FailureCause, SourceRoleError } from "../sts/stsErrors.js";
import { failureStatus } from "./failureStatus.js";

function sdkError(name: string, httpStatusCode?: number, extra: object = {}) {
  return Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode, ...extra } });
}

describe("failureStatus", () => {
  it.each([
    ["pending", 503],
    ["unavailable", 503],
    ["noBaseCredentials", 403],
    ["refused", 403],
    ["invalidRequest", 400],
    ["misconfigured", 500],
  ] satisfies [FailureCause, number][])("answers %s with %i", (cause, status) => {
    expect(failureStatus(cause)).toBe(status);
  });

  // The server adds Retry-After to retryable failures: they must be answered 503, the status SDKs retry.
  const errors: unknown[] = [
    sdkError("Throttling", 400),
    sdkError("InternalFailure", 500),
    sdkError("BadGateway", 502),
    sdkError("SignatureDoesNotMatch", 403, { clockSkewCorrected: true }),
    sdkError("TypeError", 200),
    Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
    Object.assign(new Error("timed out"), { name: "TimeoutError" }),
    new Error("anything else"),
    sdkError("AccessDenied", 403),
    sdkError("ExpiredToken", 400),
    sdkError("MalformedPolicyDocument", 400),
    Object.assign(new Error("none"), { name: "CredentialsProviderError" }),
    Object.assign(new Error("Invalid Configuration: FIPS and custom endpoint are not supported"), {
      name: "EndpointError",
    }),
  ];
  const classified = errors.map(classifyStsError);
  const chained = classified.map((failure) => classifyStsError(new SourceRoleError("base", failure)));

  it.each([...classified, ...chained].map((f) => [f.code, f] as const))(
    "answers %s with 503 exactly when it is retryable",
    (_code, failure) => {
      expect(failureStatus(failure.cause) === 503).toBe(failure.kind === "retryable");
    },
  );
});
