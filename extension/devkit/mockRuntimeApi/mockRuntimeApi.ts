// A mock of the Lambda Runtime API (Extensions API 2020-01-01 + a minimal Runtime API 2018-06-01).
// Tests run the real extension against it with AWS_LAMBDA_RUNTIME_API=<address> and drive the
// lifecycle (invoke, shutdown) in-process or over the /_mock/* control routes.
import { randomBytes, randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  EXTENSION_EVENT_TYPES,
  type ExtensionEvent,
  type InvokeEvent,
  type RecordedError,
  type Registration,
  RuntimeInvocationError,
  type RuntimeResult,
} from "./events.js";

export * from "./events.js";

export interface MockRuntimeApiOptions {
  port?: number /* 0 = free port */;
  functionName?: string;
  functionVersion?: string;
  handler?: string;
  accountId?: string;
  region?: string;
  invokeTimeoutMs?: number /* for deadlineMs, default 3000 */;
  shutdownDeadlineMs?: number /* default 2000 */;
  /**
   * Registrations are recorded at once (waitForRegistered resolves) but answered only when this
   * settles: a test can run the runtime's side, as Lambda may, before an extension hears back.
   */
  holdRegistrationReplies?: Promise<unknown>;
  /**
   * Lambda Managed Instances: registering for INVOKE is refused as Lambda refuses it, and no INVOKE
   * reaches an extension; give the extension AWS_LAMBDA_INITIALIZATION_TYPE=initializationType.
   */
  managedInstances?: boolean;
}

export interface MockRuntimeApi {
  /** "127.0.0.1:PORT", the value for AWS_LAMBDA_RUNTIME_API. */
  readonly address: string;
  /** AWS_LAMBDA_INITIALIZATION_TYPE for the processes of this sandbox. */
  readonly initializationType: "on-demand" | "lambda-managed-instances";
  waitForRegistered(name: string, timeoutMs?: number): Promise<Registration>;
  /** Queues INVOKE for every extension registered for it, and for the runtime once one has polled. */
  invoke(payload?: unknown): { requestId: string; runtimeResponse: Promise<unknown> | undefined };
  /** Resolves once that extension has taken every queued event and waits in event/next again. */
  waitForIdle(name: string, timeoutMs?: number): Promise<void>;
  /** Resolves once a runtime waits in /runtime/invocation/next, so invoke() will hand it the payload. */
  waitForRuntime(timeoutMs?: number): Promise<void>;
  /** Queues SHUTDOWN for every extension registered for it. Later calls are ignored. */
  shutdown(reason?: string): void;
  readonly errors: ReadonlyArray<RecordedError>;
  /** Register calls refused for their events (Managed Instances and INVOKE), in order. */
  readonly refusedRegistrations: ReadonlyArray<{ name: string; events: string[]; errorType: string }>;
  /** Resolves with the first error not yet returned by an earlier call. */
  waitForError(timeoutMs?: number): Promise<RecordedError>;
  /** What the runtime posted for each invocation. */
  readonly runtimeResults: ReadonlyArray<RuntimeResult>;
  /** Closes the server, destroys pending long-polls and rejects pending waits. */
  close(): Promise<void>;
}

const DEFAULT_WAIT_MS = 10_000;
const EXT = "/2020-01-01/extension";
const RT = "/2018-06-01/runtime";

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}
const ACCEPTED: Reply = { status: 202, body: { status: "OK" } };
/**
 * Lambda's refusal of INVOKE on Managed Instances, as in aws/aws-lambda-runtime-interface-emulator,
 * internal/lambda-managed-instances: rapi/handler/agentregister.go answers 403 with errorType
 * Extension.InvalidEventType and the message "<event>: <error>", the error being core's
 * "ErrorInvalidEventType" for anything but SHUTDOWN (core/externalagent.go). Nothing is registered,
 * so the extension may register again. OpenTelemetry lambda PR 2083 and honeycomb-lambda-extension
 * PR 170 describe the same refusal seen in Lambda (init then fails with Extension.InitError).
 */
const MANAGED_INSTANCES_REFUSAL = (event: string) =>
  fail(403, "Extension.InvalidEventType", `${event}: ErrorInvalidEventType`);
const UNKNOWN_EXTENSION = fail(
  403,
  "Extension.UnknownExtensionIdentifier",
  "unknown or missing extension identifier",
);

interface ExtensionState {
  reg: Registration;
  queue: ExtensionEvent[];
  /** The pending GET event/next, if the extension is blocked in it. */
  poll: ServerResponse | undefined;
}

interface Invocation {
  event: InvokeEvent;
  payload: unknown;
  resolve: (body: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export async function startMockRuntimeApi(options: MockRuntimeApiOptions = {}): Promise<MockRuntimeApi> {
  const mock = new MockRuntimeApiServer(options);
  await mock.listen(options.port ?? 0);
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
  private readonly byId = new Map<string, ExtensionState>();
  private readonly byName = new Map<string, ExtensionState>();
  private readonly errorList: RecordedError[] = [];
  readonly refusedRegistrations: { name: string; events: string[]; errorType: string }[] = [];
  private errorCursor = 0;
  private readonly resultList: RuntimeResult[] = [];
  private readonly runtimeQueue: Invocation[] = [];
  private readonly invocations = new Map<string, Invocation>();
  private runtimePoll: ServerResponse | undefined;
  private runtimeConnected = false;
  private initEnded = false;
  private shutDown = false;
  private closed = false;

  constructor(private readonly opts: MockRuntimeApiOptions) {
    // Long-polls may legitimately stay open for minutes; only header reception is bounded.
    this.server.requestTimeout = 0;
    this.server.headersTimeout = 10_000;
    // Node's default; close() destroys every socket, so idle keep-alive never delays it.
    this.server.keepAliveTimeout = 5_000;
  }

  get initializationType(): "on-demand" | "lambda-managed-instances" {
    return this.opts.managedInstances ? "lambda-managed-instances" : "on-demand";
  }

  get errors(): ReadonlyArray<RecordedError> {
    return this.errorList;
  }

  get runtimeResults(): ReadonlyArray<RuntimeResult> {
    return this.resultList;
  }

  listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, "127.0.0.1", () => {
        this.server.off("error", reject);
        this.address = `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
        resolve();
      });
    });
  }

  waitForRegistered(name: string, timeoutMs = DEFAULT_WAIT_MS): Promise<Registration> {
    return this.waitFor(`extension "${name}" to register`, timeoutMs, () => this.byName.get(name)?.reg);
  }

  waitForIdle(name: string, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    return this.waitFor(`extension "${name}" to wait in event/next with nothing queued`, timeoutMs, () => {
      const ext = this.byName.get(name);
      return ext?.poll && ext.queue.length === 0 ? true : undefined;
    }).then(() => undefined);
  }

  waitForRuntime(timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    return this.waitFor("a runtime to wait in invocation/next", timeoutMs, () =>
      this.runtimePoll ? true : undefined,
    ).then(() => undefined);
  }

  waitForError(timeoutMs = DEFAULT_WAIT_MS): Promise<RecordedError> {
    return this.waitFor("an init/exit error", timeoutMs, () => {
      const next = this.errorList[this.errorCursor];
      if (next) this.errorCursor++;
      return next;
    });
  }

  invoke(payload: unknown = {}): { requestId: string; runtimeResponse: Promise<unknown> | undefined } {
    if (this.closed || this.shutDown) throw new Error("mock Runtime API: cannot invoke after shutdown/close");
    this.initEnded = true; // the first invoke ends the init phase: later registrations get 403
    const requestId = randomUUID();
    const fn = this.opts.functionName ?? "mock-function";
    const event: InvokeEvent = {
      eventType: "INVOKE",
      deadlineMs: Date.now() + (this.opts.invokeTimeoutMs ?? 3000),
      requestId,
      invokedFunctionArn: `arn:aws:lambda:${this.opts.region ?? "us-east-1"}:${this.accountId()}:function:${fn}`,
      tracing: { type: "X-Amzn-Trace-Id", value: traceId() },
    };
    this.enqueue("INVOKE", event);
    let runtimeResponse: Promise<unknown> | undefined;
    if (this.runtimeConnected) {
      runtimeResponse = new Promise((resolve, reject) => {
        // Like Lambda, give up on the runtime at the deadline, so a test awaiting it cannot hang.
        const timer = setTimeout(() => {
          this.invocations.delete(requestId);
          reject(new Error(`mock Runtime API: invocation ${requestId} timed out`));
        }, event.deadlineMs - Date.now());
        const inv: Invocation = { event, payload, resolve, reject, timer };
        this.invocations.set(requestId, inv);
        this.runtimeQueue.push(inv);
      });
      runtimeResponse.catch(() => {}); // callers that ignore it must not cause an unhandled rejection
      this.pumpRuntime();
    }
    this.changed();
    return { requestId, runtimeResponse };
  }

  shutdown(reason = "spindown"): void {
    if (this.shutDown || this.closed) return;
    this.shutDown = true;
    this.initEnded = true;
    const deadlineMs = Date.now() + (this.opts.shutdownDeadlineMs ?? 2000);
    this.enqueue("SHUTDOWN", { eventType: "SHUTDOWN", shutdownReason: reason, deadlineMs });
    this.changed();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.changed(); // rejects pending waits
    for (const inv of this.invocations.values()) {
      clearTimeout(inv.timer);
      inv.reject(new Error("mock Runtime API closed"));
    }
    this.invocations.clear();
    const closing = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections(); // includes long-polls still waiting for an event
    await closing;
  }

  private accountId(): string {
    return this.opts.accountId ?? "123456789012";
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

  private enqueue(type: string, event: ExtensionEvent): void {
    for (const ext of this.byId.values()) {
      if (!ext.reg.events.includes(type)) continue;
      ext.queue.push(event);
      this.deliver(ext);
    }
  }

  private deliver(ext: ExtensionState): void {
    if (ext.poll && !isOpen(ext.poll)) ext.poll = undefined; // gone, its "close" not yet seen: keep the event
    const event = ext.poll && ext.queue.shift();
    if (!ext.poll || !event) return;
    const res = ext.poll;
    ext.poll = undefined;
    sendJson(res, {
      status: 200,
      body: event,
      headers: { "Lambda-Extension-Event-Identifier": randomUUID() },
    });
  }

  private pumpRuntime(): void {
    if (this.runtimePoll && !isOpen(this.runtimePoll)) this.runtimePoll = undefined;
    // Skip invocations that already timed out before the runtime asked for them.
    while (this.runtimeQueue[0] && !this.invocations.has(this.runtimeQueue[0].event.requestId)) {
      this.runtimeQueue.shift();
    }
    const inv = this.runtimePoll && this.runtimeQueue.shift();
    if (!this.runtimePoll || !inv) return;
    const res = this.runtimePoll;
    this.runtimePoll = undefined;
    const { requestId, deadlineMs, invokedFunctionArn, tracing } = inv.event;
    sendJson(res, {
      status: 200,
      body: inv.payload,
      headers: {
        "Lambda-Runtime-Aws-Request-Id": requestId,
        "Lambda-Runtime-Deadline-Ms": String(deadlineMs),
        "Lambda-Runtime-Invoked-Function-Arn": invokedFunctionArn,
        "Lambda-Runtime-Trace-Id": tracing.value,
      },
    });
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://mock");
    const body = await readBody(req);
    const reply = await this.handle(`${req.method} ${url.pathname}`, url, req, res, body);
    if (reply) sendJson(res, reply); // undefined: parked as a long-poll, answered later
  }

  private async handle(
    route: string,
    url: URL,
    req: IncomingMessage,
    res: ServerResponse,
    body: string,
  ): Promise<Reply | undefined> {
    const invocation = /^POST \/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(route);
    if (invocation) return this.runtimeAnswer(req, invocation[1] ?? "", invocation[2] === "error", body);
    const ext = this.byId.get(header(req, "lambda-extension-identifier") ?? "");
    const timeoutMs = Number(url.searchParams.get("timeoutMs")) || DEFAULT_WAIT_MS;
    const name = url.searchParams.get("name") ?? "";
    switch (route) {
      case `POST ${EXT}/register`: {
        const reply = this.register(req, body);
        await this.opts.holdRegistrationReplies;
        return reply;
      }
      case `GET ${EXT}/event/next`:
        if (!ext) return UNKNOWN_EXTENSION;
        if (ext.poll) return fail(403, "Extension.InvalidExtensionState", "already waiting in event/next");
        ext.poll = res;
        res.on("close", () => {
          if (ext.poll !== res) return; // closed after being answered
          ext.poll = undefined; // the extension gave up waiting
          this.changed();
        });
        this.deliver(ext);
        this.changed();
        return undefined;
      case `POST ${EXT}/init/error`:
      case `POST ${EXT}/exit/error`: {
        if (!ext) return UNKNOWN_EXTENSION;
        const errorType = header(req, "lambda-extension-function-error-type");
        if (!errorType)
          return fail(400, "Extension.MissingHeader", "missing Lambda-Extension-Function-Error-Type");
        const routeName = route.endsWith("init/error") ? "init/error" : "exit/error";
        return this.recordError({
          route: routeName,
          extension: ext.reg.name,
          errorType,
          body: bodyValue(body),
        });
      }
      case `GET ${RT}/invocation/next`:
        if (this.runtimePoll)
          return fail(403, "InvalidStateTransition", "already waiting in invocation/next");
        this.runtimeConnected = true;
        this.runtimePoll = res;
        res.on("close", () => {
          if (this.runtimePoll === res) this.runtimePoll = undefined;
        });
        this.pumpRuntime();
        this.changed();
        return undefined;
      case `POST ${RT}/init/error`: {
        const errorType = header(req, "lambda-runtime-function-error-type") ?? "Runtime.Unknown";
        return this.recordError({
          route: "init/error",
          extension: undefined,
          errorType,
          body: bodyValue(body),
        });
      }
      // Control routes for out-of-process drivers (demo, benchmark).
      case "POST /_mock/invoke": {
        const payload = body.trim() === "" ? {} : parseJson(body);
        if (payload === undefined) return fail(400, "InvalidRequest", "body must be JSON");
        if (this.shutDown) return fail(409, "InvalidState", "already shut down");
        return { status: 200, body: { requestId: this.invoke(payload).requestId } };
      }
      case "POST /_mock/shutdown": {
        const reason = (parseJson(body) as { reason?: unknown } | undefined)?.reason;
        this.shutdown(typeof reason === "string" ? reason : undefined);
        return ACCEPTED;
      }
      case "GET /_mock/registered":
      case "GET /_mock/idle": {
        if (!name) return fail(400, "InvalidRequest", "missing ?name=");
        const wait = route.endsWith("idle")
          ? this.waitForIdle(name, timeoutMs)
          : this.waitForRegistered(name, timeoutMs);
        return wait.then(
          (value) => ({ status: 200, body: value ?? { status: "idle" } }),
          (err: Error) => fail(408, "Timeout", err.message),
        );
      }
      case "GET /_mock/errors":
        return { status: 200, body: this.errorList };
      default:
        return fail(404, "NotFound", `no route ${route}`);
    }
  }

  private recordError(error: RecordedError): Reply {
    this.errorList.push(error);
    this.changed();
    return ACCEPTED;
  }

  private runtimeAnswer(req: IncomingMessage, id: string, isError: boolean, body: string): Reply {
    const inv = this.invocations.get(id);
    if (!inv) return fail(400, "InvalidRequestID", `unknown or finished invocation ${id}`);
    this.invocations.delete(id);
    clearTimeout(inv.timer);
    const value = bodyValue(body);
    const errorType = isError
      ? (header(req, "lambda-runtime-function-error-type") ?? "Runtime.Unknown")
      : undefined;
    this.resultList.push({ requestId: id, outcome: isError ? "error" : "response", errorType, body: value });
    if (isError) inv.reject(new RuntimeInvocationError(id, errorType, value));
    else inv.resolve(value);
    this.changed();
    return ACCEPTED;
  }

  private register(req: IncomingMessage, body: string): Reply {
    const name = header(req, "lambda-extension-name");
    if (!name) return fail(400, "InvalidRequest", "missing Lambda-Extension-Name header");
    const events = (parseJson(body) as { events?: unknown } | undefined)?.events;
    const known: readonly string[] = EXTENSION_EVENT_TYPES;
    if (!Array.isArray(events) || !events.every((e) => typeof e === "string" && known.includes(e))) {
      return fail(400, "Extension.InvalidEventType", 'body must be {"events": [INVOKE|SHUTDOWN, ...]}');
    }
    const refused = this.opts.managedInstances ? events.find((e) => e !== "SHUTDOWN") : undefined;
    if (refused !== undefined) {
      const reply = MANAGED_INSTANCES_REFUSAL(refused);
      this.refusedRegistrations.push({ name, events, errorType: "Extension.InvalidEventType" });
      this.changed();
      return reply;
    }
    if (this.initEnded) return fail(403, "Extension.RegistrationClosed", "registration closed already");
    if (this.byName.has(name)) {
      return fail(403, "Extension.InvalidExtensionState", "extension with this name already registered");
    }
    const reg: Registration = { name, identifier: randomUUID(), events, headers: req.headers };
    const ext: ExtensionState = { reg, queue: [], poll: undefined };
    this.byId.set(reg.identifier, ext);
    this.byName.set(name, ext);
    this.changed();
    const features = header(req, "lambda-extension-accept-feature")?.split(",") ?? [];
    const answer = {
      functionName: this.opts.functionName ?? "mock-function",
      functionVersion: this.opts.functionVersion ?? "$LATEST",
      handler: this.opts.handler ?? "index.handler",
      ...(features.some((f) => f.trim() === "accountId") ? { accountId: this.accountId() } : {}),
    };
    return { status: 200, body: answer, headers: { "Lambda-Extension-Identifier": reg.identifier } };
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  const first = (Array.isArray(value) ? value[0] : value)?.trim();
  return first ? first : undefined;
}

function isOpen(res: ServerResponse): boolean {
  return !res.headersSent && !!res.socket && !res.socket.destroyed;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** What to record for a posted body: parsed JSON, else the raw text, undefined when empty. */
function bodyValue(text: string): unknown {
  return text.trim() === "" ? undefined : (parseJson(text) ?? text);
}

/** Parsed JSON, or undefined when the text is empty or not JSON. */
function parseJson(text: string): unknown {
  try {
    return text.trim() === "" ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

function sendJson(res: ServerResponse, { status, body, headers }: Reply): void {
  if (res.headersSent || res.destroyed) return; // e.g. the client gave up on a control-route wait
  res.writeHead(status, { "Content-Type": "application/json", ...headers });
  res.end(JSON.stringify(body ?? null));
}

function fail(status: number, errorType: string, errorMessage: string): Reply {
  return { status, body: { errorMessage, errorType } };
}

/** An X-Ray trace header like Lambda's: Root=1-<epoch hex>-<96 bits>;Parent=<64 bits>;Sampled=1 */
function traceId(): string {
  const epoch = Math.floor(Date.now() / 1000).toString(16);
  return `Root=1-${epoch}-${randomBytes(12).toString("hex")};Parent=${randomBytes(8).toString("hex")};Sampled=1`;
}
