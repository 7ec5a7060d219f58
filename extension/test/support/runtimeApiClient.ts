/**
 * An extension's and a runtime's calls to the mock Runtime API over HTTP, for the mock's own tests:
 * register, event/next, init/exit errors. Long-polls a test leaves open end with "fetch failed"
 * when the mock closes: they are marked handled.
 */
import { expect } from "vitest";

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const TRACE = /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=1$/;

export function leaveOpen<T>(request: Promise<T>): Promise<T> {
  request.catch(() => undefined);
  return request;
}

/** Calls against the mock at `address()` (read at each call: tests start a new mock per test). */
export function runtimeApiClient(address: () => string) {
  const url = (path: string) => `http://${address()}${path}`;

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

  return { url, register, registerOk, next, nextEvent, postError };
}
