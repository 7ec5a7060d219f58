// The mock's Extensions API (register, event/next, init/exit errors) and its in-process waits.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runtimeApiClient, TRACE, UUID } from "../../test/support/runtimeApiClient.js";
import { MOCK_ACCOUNT_ID, type MockRuntimeApi, startMockRuntimeApi } from "./mockRuntimeApi.js";

let mock: MockRuntimeApi;
const { url, register, registerOk, next, nextEvent, postError } = runtimeApiClient(() => mock.address);

beforeEach(async () => {
  mock = await startMockRuntimeApi({ functionName: "my-fn", functionVersion: "7", invokeTimeoutMs: 5000 });
});

afterEach(async () => {
  await mock.close();
});

describe("register", () => {
  it("returns an identifier and the function's details, accountId only when asked for", async () => {
    const plain = await register("plain");
    expect(plain.status).toBe(200);
    expect(plain.headers.get("lambda-extension-identifier")).toMatch(UUID);
    expect(await plain.json()).toEqual({
      functionName: "my-fn",
      functionVersion: "7",
      handler: "index.handler",
    });

    const withAccount = await register("with-account", ["SHUTDOWN"], {
      "Lambda-Extension-Accept-Feature": "accountId",
    });
    expect(await withAccount.json()).toEqual({
      functionName: "my-fn",
      functionVersion: "7",
      handler: "index.handler",
      accountId: MOCK_ACCOUNT_ID,
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
      invokedFunctionArn: `arn:aws:lambda:us-east-1:${MOCK_ACCOUNT_ID}:function:my-fn`,
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
    // Lambda's shutdown phase with external extensions: 2,000 ms.
    expect(shutdown.deadlineMs).toBeLessThanOrEqual(Date.now() + 2000);
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

describe("unknown routes", () => {
  it("answers 404 JSON", async () => {
    for (const path of ["/_mock/invoke", "/2020-01-01/extension/nope", "/"]) {
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
