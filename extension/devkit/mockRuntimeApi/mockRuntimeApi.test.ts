import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type MockRuntimeApi, RuntimeInvocationError, startMockRuntimeApi } from "./mockRuntimeApi.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TRACE = /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=1$/;

let mock: MockRuntimeApi;
// Long-polls a test leaves open end with "fetch failed" when close() runs: mark them handled.
function leaveOpen<T>(request: Promise<T>): Promise<T> {
  request.catch(() => undefined);
  return request;
}

beforeEach(async () => {
  mock = await startMockRuntimeApi({
    functionName: "my-fn",
    functionVersion: "7",
    handler: "app.handler",
    accountId: "111122223333",
    region: "eu-west-1",
    invokeTimeoutMs: 5000,
    shutdownDeadlineMs: 1500,
  });
});

afterEach(async () => {
  await mock.close();
});

const url = (path: string) => `http://${mock.address}${path}`;

function register(name: string | undefined, events: unknown = ["INVOKE", "SHUTDOWN"], headers = {}) {
  return fetch(url("/2020-01-01/extension/register"), {
    method: "POST",
    headers: { ...(name === undefined ? {} : { "Lambda-Extension-Name": name }), ...headers },
    body: JSON.stringify({ events }),
  });
}

async function registerOk(name: string, events: string[] = ["INVOKE", "SHUTDOWN"]): Promise<string> {
  const res = await register(name, events);
  expect(res.status).toBe(200);
  const id = res.headers.get("lambda-extension-identifier");
  expect(id).toMatch(UUID);
  return id ?? "";
}

/** Starts GET event/next; the caller awaits it (or it is swallowed at close). */
function next(id: string | undefined): Promise<Response> {
  const headers: Record<string, string> = id === undefined ? {} : { "Lambda-Extension-Identifier": id };
  return leaveOpen(fetch(url("/2020-01-01/extension/event/next"), { headers }));
}

async function nextEvent(id: string): Promise<Record<string, unknown>> {
  const res = await next(id);
  expect(res.status).toBe(200);
  expect(res.headers.get("lambda-extension-event-identifier")).toMatch(UUID);
  return (await res.json()) as Record<string, unknown>;
}

function postError(
  route: "init/error" | "exit/error",
  id: string | undefined,
  errorType?: string,
  body?: unknown,
) {
  const headers: Record<string, string> = {};
  if (id !== undefined) headers["Lambda-Extension-Identifier"] = id;
  if (errorType !== undefined) headers["Lambda-Extension-Function-Error-Type"] = errorType;
  return fetch(url(`/2020-01-01/extension/${route}`), {
    method: "POST",
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

describe("register", () => {
  it("returns an identifier and the function's details, accountId only when asked for", async () => {
    const plain = await register("plain");
    expect(plain.status).toBe(200);
    expect(plain.headers.get("lambda-extension-identifier")).toMatch(UUID);
    expect(await plain.json()).toEqual({
      functionName: "my-fn",
      functionVersion: "7",
      handler: "app.handler",
    });

    const withAccount = await register("with-account", ["SHUTDOWN"], {
      "Lambda-Extension-Accept-Feature": "accountId",
    });
    expect(await withAccount.json()).toEqual({
      functionName: "my-fn",
      functionVersion: "7",
      handler: "app.handler",
      accountId: "111122223333",
    });

    const reg = await mock.waitForRegistered("with-account");
    expect(reg.name).toBe("with-account");
    expect(reg.identifier).toBe(withAccount.headers.get("lambda-extension-identifier"));
    expect(reg.events).toEqual(["SHUTDOWN"]);
    expect(reg.headers["lambda-extension-accept-feature"]).toBe("accountId");
  });

  it("rejects a missing name, bad events and a duplicate name", async () => {
    const noName = await register(undefined);
    expect(noName.status).toBe(400);
    expect(await noName.json()).toMatchObject({
      errorType: "InvalidRequest",
      errorMessage: expect.any(String),
    });
    expect((await register("x", ["INVOKE", "BOGUS"])).status).toBe(400);
    expect((await register("x", "INVOKE")).status).toBe(400);
    const notJson = await fetch(url("/2020-01-01/extension/register"), {
      method: "POST",
      headers: { "Lambda-Extension-Name": "x" },
      body: "{",
    });
    expect(notJson.status).toBe(400);

    await registerOk("dup");
    const again = await register("dup");
    expect(again.status).toBe(403);
    await expect(mock.waitForRegistered("x", 20)).rejects.toThrow(/timed out after 20 ms/);
  });

  it("is closed once the first invoke was dispatched", async () => {
    await registerOk("early");
    mock.invoke();
    const late = await register("late");
    expect(late.status).toBe(403);
    expect(await late.json()).toMatchObject({ errorType: "Extension.RegistrationClosed" });
  });
});

describe("event/next", () => {
  it("delivers INVOKE then SHUTDOWN in order with Lambda's fields", async () => {
    const id = await registerOk("ext");
    const before = Date.now();
    const { requestId, runtimeResponse } = mock.invoke({ hello: 1 });
    mock.shutdown();
    expect(runtimeResponse).toBeUndefined(); // no runtime polls

    const invoke = await nextEvent(id);
    expect(invoke).toMatchObject({
      eventType: "INVOKE",
      requestId,
      invokedFunctionArn: "arn:aws:lambda:eu-west-1:111122223333:function:my-fn",
      tracing: { type: "X-Amzn-Trace-Id", value: expect.stringMatching(TRACE) },
    });
    expect(invoke.deadlineMs).toBeGreaterThanOrEqual(before + 5000);
    expect(invoke.deadlineMs).toBeLessThanOrEqual(Date.now() + 5000);

    const shutdown = await nextEvent(id);
    expect(shutdown).toEqual({
      eventType: "SHUTDOWN",
      shutdownReason: "spindown",
      deadlineMs: expect.any(Number),
    });
    expect(shutdown.deadlineMs).toBeLessThanOrEqual(Date.now() + 1500);
  });

  it("answers a long-poll that was already waiting when the event arrives", async () => {
    const id = await registerOk("ext");
    const pending = next(id);
    await mock.waitForIdle("ext");
    const { requestId } = mock.invoke();
    const res = await pending;
    expect(await res.json()).toMatchObject({ eventType: "INVOKE", requestId });
  });

  it("delivers only the events an extension registered for", async () => {
    const shutdownOnly = await registerOk("shutdown-only", ["SHUTDOWN"]);
    const both = await registerOk("both");
    const { requestId } = mock.invoke();
    mock.shutdown("timeout");
    expect(await nextEvent(shutdownOnly)).toMatchObject({ eventType: "SHUTDOWN", shutdownReason: "timeout" });
    expect(await nextEvent(both)).toMatchObject({ eventType: "INVOKE", requestId });
    expect(await nextEvent(both)).toMatchObject({ eventType: "SHUTDOWN" });
  });

  it("answers 403 to an unknown or missing identifier", async () => {
    for (const id of [undefined, "00000000-0000-4000-8000-000000000000"]) {
      const res = await next(id);
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ errorType: "Extension.UnknownExtensionIdentifier" });
    }
  });
});

describe("waitForIdle", () => {
  it("resolves only once the extension has taken the event and polls next again", async () => {
    const id = await registerOk("ext");
    mock.invoke(); // queued before the first poll: not idle while it is untaken
    await expect(mock.waitForIdle("ext", 30)).rejects.toThrow(/timed out after 30 ms/);

    let idle = false;
    const becameIdle = mock.waitForIdle("ext").then(() => {
      idle = true;
    });
    expect(await nextEvent(id)).toMatchObject({ eventType: "INVOKE" });
    expect(idle).toBe(false); // took the event but is still "handling" it
    next(id);
    await becameIdle;
    expect(idle).toBe(true);
  });
});

describe("init/error and exit/error", () => {
  it("records errors and hands them out in order through waitForError", async () => {
    const id = await registerOk("ext");
    const first = mock.waitForError();
    const body = { errorMessage: "no config", errorType: "Extension.ConfigInvalid", stackTrace: [] };
    const res = await postError("init/error", id, "Extension.ConfigInvalid", body);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: "OK" });
    const expected = { route: "init/error", extension: "ext", errorType: "Extension.ConfigInvalid", body };
    expect(await first).toEqual(expected);

    expect((await postError("exit/error", id, "Extension.Crash")).status).toBe(202);
    expect(await mock.waitForError()).toEqual({
      route: "exit/error",
      extension: "ext",
      errorType: "Extension.Crash",
      body: undefined,
    });
    expect(mock.errors).toHaveLength(2);
    await expect(mock.waitForError(20)).rejects.toThrow(/timed out/);
  });

  it("rejects a missing error type (400) and an unknown extension (403) without recording", async () => {
    const id = await registerOk("ext");
    expect((await postError("init/error", id)).status).toBe(400);
    expect((await postError("exit/error", undefined, "Extension.X")).status).toBe(403);
    expect(mock.errors).toEqual([]);
  });
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
      "arn:aws:lambda:eu-west-1:111122223333:function:my-fn",
    );
    expect(res.headers.get("lambda-runtime-trace-id")).toMatch(TRACE);

    const answer = await fetch(url(`/2018-06-01/runtime/invocation/${requestId}/response`), {
      method: "POST",
      body: JSON.stringify({ answer: 42 }),
    });
    expect(answer.status).toBe(202);
    await expect(runtimeResponse).resolves.toEqual({ answer: 42 });
    expect(mock.runtimeResults).toEqual([
      { requestId, outcome: "response", errorType: undefined, body: { answer: 42 } },
    ]);
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
    expect(err).toBeInstanceOf(RuntimeInvocationError);
    expect(err).toMatchObject({
      requestId,
      errorType: "Runtime.HandlerError",
      body: { errorMessage: "boom" },
    });

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

describe("control routes", () => {
  it("drives invoke, idle, registered, errors and shutdown over HTTP", async () => {
    const id = await registerOk("ext");
    const registered = await fetch(url("/_mock/registered?name=ext"));
    expect(registered.status).toBe(200);
    expect(await registered.json()).toMatchObject({
      name: "ext",
      identifier: id,
      events: ["INVOKE", "SHUTDOWN"],
    });
    expect((await fetch(url("/_mock/registered?name=other&timeoutMs=20"))).status).toBe(408);
    expect((await fetch(url("/_mock/idle?name=ext&timeoutMs=20"))).status).toBe(408); // not polling yet

    const pending = next(id);
    expect((await fetch(url("/_mock/idle?name=ext"))).status).toBe(200);
    const invoked = await fetch(url("/_mock/invoke"), { method: "POST", body: JSON.stringify({ a: 1 }) });
    expect(invoked.status).toBe(200);
    const { requestId } = (await invoked.json()) as { requestId: string };
    expect(requestId).toMatch(UUID);
    expect(await (await pending).json()).toMatchObject({ eventType: "INVOKE", requestId });

    await postError("exit/error", id, "Extension.Crash");
    const errors = await fetch(url("/_mock/errors"));
    expect(await errors.json()).toEqual([
      { route: "exit/error", extension: "ext", errorType: "Extension.Crash" }, // body undefined: dropped by JSON
    ]);

    const shutdown = await fetch(url("/_mock/shutdown"), {
      method: "POST",
      body: JSON.stringify({ reason: "failure" }),
    });
    expect(shutdown.status).toBe(202);
    expect(await nextEvent(id)).toMatchObject({ eventType: "SHUTDOWN", shutdownReason: "failure" });
  });

  it("answers 404 JSON to unknown routes", async () => {
    for (const path of ["/_mock/nope", "/2020-01-01/extension/nope", "/"]) {
      const res = await fetch(url(path));
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ errorType: "NotFound" });
    }
  });
});

describe("close", () => {
  it("ends pending long-polls and rejects pending waits", async () => {
    const id = await registerOk("ext");
    const pending = next(id);
    await mock.waitForIdle("ext");
    const waiting = expect(mock.waitForRegistered("never")).rejects.toThrow(/closed while waiting/);
    await mock.close();
    await expect(pending).rejects.toThrow();
    await waiting;
  });
});

describe("Managed Instances mode", () => {
  let managed: MockRuntimeApi;
  const managedUrl = (path: string) => `http://${managed.address}${path}`;
  const registerManaged = (name: string, events: unknown) =>
    fetch(managedUrl("/2020-01-01/extension/register"), {
      method: "POST",
      headers: { "Lambda-Extension-Name": name },
      body: JSON.stringify({ events }),
    });

  beforeEach(async () => {
    managed = await startMockRuntimeApi({ managedInstances: true });
  });
  afterEach(async () => {
    await managed.close();
  });

  it.each([[["INVOKE", "SHUTDOWN"]], [["INVOKE"]], [["SHUTDOWN", "INVOKE"]]])(
    "refuses %j as Lambda does: 403 Extension.InvalidEventType naming INVOKE, nothing registered",
    async (events) => {
      const res = await registerManaged("old-style", events);

      expect(res.status).toBe(403);
      expect(res.headers.get("lambda-extension-identifier")).toBeNull();
      expect(await res.json()).toEqual({
        errorType: "Extension.InvalidEventType",
        errorMessage: "INVOKE: ErrorInvalidEventType",
      });
      expect(managed.refusedRegistrations).toEqual([
        { name: "old-style", events, errorType: "Extension.InvalidEventType" },
      ]);
      expect(managed.initializationType).toBe("lambda-managed-instances");
    },
  );

  it("accepts SHUTDOWN alone, also after a refusal, and sends no INVOKE to it", async () => {
    // Prepare
    expect((await registerManaged("sidecar", ["INVOKE", "SHUTDOWN"])).status).toBe(403);
    const res = await registerManaged("sidecar", ["SHUTDOWN"]);
    expect(res.status).toBe(200);
    const id = res.headers.get("lambda-extension-identifier") ?? "";

    // Act
    const waiting = leaveOpen(
      fetch(managedUrl("/2020-01-01/extension/event/next"), {
        headers: { "Lambda-Extension-Identifier": id },
      }),
    );
    await managed.waitForIdle("sidecar");
    managed.invoke({});
    managed.invoke({});
    managed.shutdown("spindown");

    // Assess: the first event it gets is SHUTDOWN
    expect(((await (await waiting).json()) as { eventType: string }).eventType).toBe("SHUTDOWN");
  });

  it("is on-demand unless asked", () => {
    expect(mock.initializationType).toBe("on-demand");
  });
});
