// A mock of the Lambda Runtime API (Extensions API 2020-01-01 + a minimal Runtime API 2018-06-01).
// Tests, `local` and `demo` run the real extension against it with AWS_LAMBDA_RUNTIME_API=<address>
// and drive the lifecycle (invoke, shutdown) in-process.
import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { InvokeEvent, RecordedError, Registration } from "./events.js";
import { ExtensionRegistry, UNKNOWN_EXTENSION } from "./extensionRegistry.js";
import { ACCEPTED, bodyValue, fail, header, type Reply, readBody, sendJson, traceId } from "./httpWire.js";
import type { InvokeOptions, MockRuntimeApi, MockRuntimeApiOptions } from "./mockApi.js";
import { RuntimeInvocations } from "./runtimeInvocations.js";
import { TelemetryApi, type TelemetryDelivery, type TelemetrySubscription } from "./telemetryApi.js";

export * from "./events.js";
export type { InvokeOptions, MockRuntimeApi, MockRuntimeApiOptions } from "./mockApi.js";
export type { TelemetryDelivery, TelemetrySubscription } from "./telemetryApi.js";

/** The account in invokedFunctionArn and in `register`'s answer (when asked for). */
export const MOCK_ACCOUNT_ID = "123456789012";
const REGION = "us-east-1";

const DEFAULT_WAIT_MS = 10_000;
const EXT = "/2020-01-01/extension";
const TELEMETRY = "/2022-07-01/telemetry";
const RT = "/2018-06-01/runtime";
const INVOCATION_ANSWER = /^POST \/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/;

export async function startMockRuntimeApi(options: MockRuntimeApiOptions = {}): Promise<MockRuntimeApi> {
  const mock = new MockRuntimeApiServer(options);
  await mock.listen();
  return mock;
}

class MockRuntimeApiServer implements MockRuntimeApi {
  address = "";
  private readonly server = createServer((req, res) => {
    this.route(req, res).catch((err: unknown) => {
      console.error("mock Runtime API: request failed", err);
      sendJson(res, fail(500, "InternalError", String(err)));
    });
  });
  /** Emits "change" on every state change; the wait* helpers re-check their condition on it. */
  private readonly changes = new EventEmitter().setMaxListeners(0);
  private readonly extensions: ExtensionRegistry;
  private readonly runtime = new RuntimeInvocations();
  private readonly telemetry: TelemetryApi;
  private readonly errorList: RecordedError[] = [];
  private errorCursor = 0;
  private initEnded = false;
  private shutDown = false;
  private closed = false;

  constructor(private readonly opts: MockRuntimeApiOptions) {
    this.extensions = new ExtensionRegistry({
      functionName: opts.functionName ?? "mock-function",
      functionVersion: opts.functionVersion ?? "$LATEST",
      accountId: MOCK_ACCOUNT_ID,
      managedInstances: opts.managedInstances ?? false,
    });
    this.telemetry = new TelemetryApi(() => this.changed(), opts.telemetryDelayMs);
    // Long-polls may legitimately stay open for minutes; only header reception is bounded.
    this.server.requestTimeout = 0;
    this.server.headersTimeout = 10_000;
    // Node's default; close() destroys every socket, so idle keep-alive never delays it.
    this.server.keepAliveTimeout = 5_000;
  }

  get initializationType(): "on-demand" | "lambda-managed-instances" {
    return this.opts.managedInstances ? "lambda-managed-instances" : "on-demand";
  }

  get telemetrySubscriptions(): ReadonlyArray<TelemetrySubscription> {
    return this.telemetry.subscriptions;
  }

  get telemetryDeliveries(): ReadonlyArray<TelemetryDelivery> {
    return this.telemetry.deliveries;
  }

  waitForTelemetrySubscription(name: string, timeoutMs = DEFAULT_WAIT_MS): Promise<TelemetrySubscription> {
    return this.waitFor(`extension "${name}" to subscribe to the Telemetry API`, timeoutMs, () =>
      this.telemetry.subscriptions.find((subscription) => subscription.extension === name),
    );
  }

  waitForTelemetryDeliveries(count: number, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    return this.waitFor(`${count} Telemetry API batches`, timeoutMs, () =>
      this.telemetry.deliveries.length >= count ? true : undefined,
    ).then(() => undefined);
  }

  get errors(): ReadonlyArray<RecordedError> {
    return this.errorList;
  }

  get refusedRegistrations(): ReadonlyArray<{ name: string; events: string[]; errorType: string }> {
    return this.extensions.refused;
  }

  /** Binds port 0: the kernel hands out a free port, so no other process can take it first. */
  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(0, "127.0.0.1", () => {
        this.server.off("error", reject);
        this.address = `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
        resolve();
      });
    });
  }

  waitForRegistered(name: string, timeoutMs = DEFAULT_WAIT_MS): Promise<Registration> {
    return this.waitFor(`extension "${name}" to register`, timeoutMs, () => this.extensions.named(name)?.reg);
  }

  waitForIdle(name: string, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    return this.waitFor(`extension "${name}" to wait in event/next with nothing queued`, timeoutMs, () => {
      const ext = this.extensions.named(name);
      return ext?.poll && ext.queue.length === 0 ? true : undefined;
    }).then(() => undefined);
  }

  waitForRuntime(timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    return this.waitFor("a runtime to wait in invocation/next", timeoutMs, () =>
      this.runtime.waiting ? true : undefined,
    ).then(() => undefined);
  }

  waitForError(timeoutMs = DEFAULT_WAIT_MS): Promise<RecordedError> {
    return this.waitFor("an init/exit error", timeoutMs, () => {
      const next = this.errorList[this.errorCursor];
      if (next) this.errorCursor++;
      return next;
    });
  }

  invoke(
    payload: unknown = {},
    options: InvokeOptions = {},
  ): { requestId: string; runtimeResponse: Promise<unknown> | undefined } {
    if (this.closed || this.shutDown) throw new Error("mock Runtime API: cannot invoke after shutdown/close");
    this.initEnded = true; // the first invoke ends the init phase: later registrations get 403
    const requestId = randomUUID();
    const fn = this.opts.functionName ?? "mock-function";
    const event: InvokeEvent = {
      eventType: "INVOKE",
      deadlineMs: Date.now() + (this.opts.invokeTimeoutMs ?? 3000),
      requestId,
      invokedFunctionArn: `arn:aws:lambda:${REGION}:${MOCK_ACCOUNT_ID}:function:${fn}`,
      tracing: { type: "X-Amzn-Trace-Id", value: traceId() },
    };
    const { tenantId } = options;
    // As Lambda: platform.start first (the INVOKE event itself carries no tenant id), then the invoke.
    this.telemetry.emit("platform.start", {
      requestId,
      version: this.opts.functionVersion ?? "$LATEST",
      ...(tenantId !== undefined ? { tenantId } : {}),
    });
    this.extensions.enqueue(event);
    const runtimeResponse = this.runtime.connected ? this.runtime.push(event, payload, tenantId) : undefined;
    this.changed();
    return { requestId, runtimeResponse };
  }

  shutdown(reason = "spindown"): void {
    if (this.shutDown || this.closed) return;
    this.shutDown = true;
    this.initEnded = true;
    this.extensions.enqueue({ eventType: "SHUTDOWN", shutdownReason: reason, deadlineMs: Date.now() + 2000 });
    this.changed();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.changed(); // rejects pending waits
    this.runtime.rejectAll("mock Runtime API closed");
    this.telemetry.close();
    const closing = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections(); // includes long-polls still waiting for an event
    await closing;
  }

  private changed(): void {
    this.changes.emit("change");
  }

  /** Resolves with check()'s first defined value, re-checking on every state change. */
  private waitFor<T>(what: string, timeoutMs: number, check: () => T | undefined): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        this.changes.off("change", onChange);
        settle();
      };
      const onChange = () => {
        if (this.closed)
          return finish(() => reject(new Error(`mock Runtime API closed while waiting for ${what}`)));
        const value = check();
        if (value !== undefined) finish(() => resolve(value));
      };
      const timer = setTimeout(
        () => finish(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`))),
        timeoutMs,
      );
      this.changes.on("change", onChange);
      onChange();
    });
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://mock");
    const body = await readBody(req);
    const reply = await this.handle(`${req.method} ${url.pathname}`, req, res, body);
    this.changed();
    if (reply) sendJson(res, reply); // undefined: parked as a long-poll, answered later
  }

  private async handle(
    route: string,
    req: IncomingMessage,
    res: ServerResponse,
    body: string,
  ): Promise<Reply | undefined> {
    const answer = INVOCATION_ANSWER.exec(route);
    if (answer) {
      const errorType =
        answer[2] === "error"
          ? (header(req, "lambda-runtime-function-error-type") ?? "Runtime.Unknown")
          : undefined;
      return this.runtime.answer(answer[1] ?? "", errorType, bodyValue(body));
    }
    const ext = this.extensions.byIdentifier(req);
    switch (route) {
      case `POST ${EXT}/register`: {
        const reply = this.extensions.register(req, body, this.initEnded);
        this.changed(); // recorded now, even while the reply is held
        await this.opts.holdRegistrationReplies;
        return reply;
      }
      case `GET ${EXT}/event/next`:
        if (!ext) return UNKNOWN_EXTENSION;
        return this.extensions.park(ext, res, () => this.changed());
      case `POST ${EXT}/init/error`:
      case `POST ${EXT}/exit/error`: {
        if (!ext) return UNKNOWN_EXTENSION;
        const errorType = header(req, "lambda-extension-function-error-type");
        if (!errorType)
          return fail(400, "Extension.MissingHeader", "missing Lambda-Extension-Function-Error-Type");
        const extension = ext.reg.name;
        const at = route.endsWith("init/error") ? "init/error" : "exit/error";
        return this.recordError({ route: at, extension, errorType, body: bodyValue(body) });
      }
      case `PUT ${TELEMETRY}`:
        if (this.opts.withoutTelemetryApi) return fail(404, "NotFound", `no route ${route}`);
        if (!ext) return UNKNOWN_EXTENSION;
        return this.telemetry.subscribe(ext.reg.name, body);
      case `GET ${RT}/invocation/next`:
        return this.runtime.park(res);
      case `POST ${RT}/init/error`: {
        const errorType = header(req, "lambda-runtime-function-error-type") ?? "Runtime.Unknown";
        return this.recordError({
          route: "init/error",
          extension: undefined,
          errorType,
          body: bodyValue(body),
        });
      }
      default:
        return fail(404, "NotFound", `no route ${route}`);
    }
  }

  private recordError(error: RecordedError): Reply {
    this.errorList.push(error);
    return ACCEPTED;
  }
}
