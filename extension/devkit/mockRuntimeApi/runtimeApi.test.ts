// The mock's minimal Runtime API (2018-06-01): what a function's runtime loop calls.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { leaveOpen, runtimeApiClient, TRACE } from "../../test/support/runtimeApiClient.js";
import { MOCK_ACCOUNT_ID, type MockRuntimeApi, startMockRuntimeApi } from "./mockRuntimeApi.js";

let mock: MockRuntimeApi;
const { url } = runtimeApiClient(() => mock.address);

beforeEach(async () => {
  mock = await startMockRuntimeApi({ functionName: "my-fn", invokeTimeoutMs: 5000 });
});

afterEach(async () => {
  await mock.close();
});

describe("runtime API", () => {
  it("hands the payload to a polling runtime and resolves with its response", async () => {
    const poll = leaveOpen(fetch(url("/2018-06-01/runtime/invocation/next")));
    await mock.waitForRuntime();
    const { requestId, runtimeResponse } = mock.invoke({ question: 42 });
    const res = await poll;
    expect(await res.json()).toEqual({ question: 42 });
    expect(res.headers.get("lambda-runtime-aws-request-id")).toBe(requestId);
    expect(Number(res.headers.get("lambda-runtime-deadline-ms"))).toBeGreaterThan(Date.now());
    expect(res.headers.get("lambda-runtime-invoked-function-arn")).toBe(
      `arn:aws:lambda:us-east-1:${MOCK_ACCOUNT_ID}:function:my-fn`,
    );
    expect(res.headers.get("lambda-runtime-trace-id")).toMatch(TRACE);

    const answer = await fetch(url(`/2018-06-01/runtime/invocation/${requestId}/response`), {
      method: "POST",
      body: JSON.stringify({ answer: 42 }),
    });
    expect(answer.status).toBe(202);
    await expect(runtimeResponse).resolves.toEqual({ answer: 42 });
    // A second answer for the same invocation is refused.
    const twice = await fetch(url(`/2018-06-01/runtime/invocation/${requestId}/response`), {
      method: "POST",
    });
    expect(twice.status).toBe(400);
  });

  it("rejects runtimeResponse with the runtime's invocation error and records init errors", async () => {
    const poll = leaveOpen(fetch(url("/2018-06-01/runtime/invocation/next")));
    await mock.waitForRuntime();
    const { requestId, runtimeResponse } = mock.invoke();
    await poll;
    const posted = await fetch(url(`/2018-06-01/runtime/invocation/${requestId}/error`), {
      method: "POST",
      headers: { "Lambda-Runtime-Function-Error-Type": "Runtime.HandlerError" },
      body: JSON.stringify({ errorMessage: "boom" }),
    });
    expect(posted.status).toBe(202);
    const err = await runtimeResponse?.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe(
      `the function failed invocation ${requestId} with Runtime.HandlerError: {"errorMessage":"boom"}`,
    );

    const initError = await fetch(url("/2018-06-01/runtime/init/error"), {
      method: "POST",
      headers: { "Lambda-Runtime-Function-Error-Type": "Runtime.ImportModuleError" },
    });
    expect(initError.status).toBe(202);
    expect(await mock.waitForError()).toEqual({
      route: "init/error",
      extension: undefined,
      errorType: "Runtime.ImportModuleError",
      body: undefined,
    });
  });
});
