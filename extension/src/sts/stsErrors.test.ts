import { describe, expect, it } from "vitest";
import { type ClassifiedFailure, classifyStsError, SourceRoleError } from "./stsErrors.js";

/** An error shaped like the SDK's service exceptions. */
function sdkError(name: string, httpStatusCode: number | undefined, message = `${name} happened`) {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode } });
}

describe("classifyStsError", () => {
  it.each([
    ["Throttling", 400],
    ["RequestLimitExceeded", 400],
    ["InternalFailure", 500],
    ["ServiceUnavailable", 503],
  ])("retries %s (%i) as STS unavailable, with its code", (name, status) => {
    expect(classifyStsError(sdkError(name, status))).toEqual({
      kind: "retryable",
      cause: "unavailable",
      code: name,
      message: `${name} happened`,
    });
  });

  it("retries any 5xx, even with a code it does not know", () => {
    expect(classifyStsError(sdkError("BadGateway", 502))).toMatchObject({
      kind: "retryable",
      code: "BadGateway",
    });
  });

  it.each([
    ["AccessDenied", 403, "refused"],
    ["RegionDisabledException", 403, "refused"],
    ["ExpiredToken", 400, "refused"],
    ["InvalidClientTokenId", 403, "refused"],
    ["MalformedPolicyDocument", 400, "invalidRequest"],
    ["PackedPolicyTooLarge", 400, "invalidRequest"],
  ] as const)("does not retry %s (%i) and says it was %s", (name, status, cause) => {
    expect(classifyStsError(sdkError(name, status))).toEqual({
      kind: "permanent",
      cause,
      code: name,
      message: `${name} happened`,
    });
  });

  it.each([
    ["a TimeoutError", Object.assign(new Error("timed out"), { name: "TimeoutError" })],
    ["an AbortError", Object.assign(new Error("aborted"), { name: "AbortError" })],
    ["ECONNREFUSED", Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" })],
    ["ENOTFOUND", Object.assign(new Error("getaddrinfo ENOTFOUND sts"), { code: "ENOTFOUND" })],
  ])("calls %s StsUnreachable and retries it", (_title, error) => {
    const failure = classifyStsError(error);

    expect(failure).toMatchObject({ kind: "retryable", cause: "unavailable", code: "StsUnreachable" });
    expect(failure.message).toBe(`STS did not answer: ${error.message}`);
  });

  it("calls a missing base credential NoBaseCredentials and does not retry it", () => {
    const error = Object.assign(new Error("Could not load credentials from any providers"), {
      name: "CredentialsProviderError",
    });

    expect(classifyStsError(error)).toEqual({
      kind: "permanent",
      cause: "noBaseCredentials",
      code: "NoBaseCredentials",
      message: "no base credentials: Could not load credentials from any providers",
    });
  });

  it("retries an error it cannot place", () => {
    expect(classifyStsError(new Error("Unexpected token < in JSON"))).toMatchObject({
      kind: "retryable",
      cause: "unavailable",
      code: "StsError",
    });
    expect(classifyStsError(undefined)).toMatchObject({ kind: "retryable", code: "StsError" });
  });

  it("keeps messages to one line of at most 500 characters", () => {
    const failure = classifyStsError(
      sdkError("AccessDenied", 403, `line one\n  line two\r\n${"x".repeat(600)}`),
    );

    expect(failure.message).not.toMatch(/[\r\n]/);
    expect(failure.message.startsWith("line one line two x")).toBe(true);
    expect(failure.message).toHaveLength(500);
  });

  it.each([
    { kind: "permanent", cause: "refused", code: "AccessDenied", message: "not allowed" },
    { kind: "retryable", cause: "unavailable", code: "Throttling", message: "slow down" },
  ] satisfies ClassifiedFailure[])("keeps a source role's $kind failure as SourceRole.$code", (failure) => {
    const classified = classifyStsError(new SourceRoleError("base", failure));

    expect(classified).toEqual({
      kind: failure.kind,
      cause: failure.cause,
      code: `SourceRole.${failure.code}`,
      message: `source role base has no credentials: ${failure.code}: ${failure.message}`,
    });
  });

  it.each(["SignatureDoesNotMatch", "InvalidSignatureException", "RequestExpired"])(
    "retries %s soon once the SDK corrected its clock offset (a sandbox clock far from STS's)",
    (name) => {
      const error = Object.assign(new Error("Signature expired"), {
        name,
        $metadata: { httpStatusCode: 403, clockSkewCorrected: true },
      });
      expect(classifyStsError(error)).toMatchObject({ kind: "retryable", code: "ClockSkewCorrected" });
      expect(classifyStsError(sdkError(name, 403))).toMatchObject({ kind: "permanent", code: name });
    },
  );

  it("treats a 200 the SDK could not deserialize as an unusable answer, not a quick retry", () => {
    const error = Object.assign(
      new TypeError("Invalid RFC3339 timestamp format soon\n  Deserialization error"),
      {
        $metadata: { httpStatusCode: 200 },
      },
    );
    expect(classifyStsError(error)).toEqual({
      kind: "retryable",
      cause: "unavailable",
      code: "UnusableCredentials",
      message:
        "STS answered AssumeRole with a body that cannot be read: TypeError: Invalid RFC3339 timestamp format soon Deserialization error",
    });
  });
});
