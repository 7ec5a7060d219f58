import type { LifecycleEvent } from "./managedInstances.js";
import { exchange, type PlainResponse } from "./plainHttp.js";

/** The Lambda Extensions API client: register, next, init/error, exit/error. */
export const EXTENSION_NAME = "credentials-sidecar";

const HEADER_NAME = "Lambda-Extension-Name";
const HEADER_IDENTIFIER = "Lambda-Extension-Identifier";
const HEADER_ERROR_TYPE = "Lambda-Extension-Function-Error-Type";

/** What start-up uses of the registration (the identifier stays in here, for the later calls). */
export interface Registration {
  /** The function's name from the reply's body, for the log; undefined when the body has none. */
  readonly functionName?: string;
  /** The events Lambda accepted: INVOKE is missing on Managed Instances. */
  readonly events: readonly LifecycleEvent[];
}

export type ExtensionEvent =
  | { readonly eventType: "INVOKE"; readonly deadlineMs: number; readonly requestId: string }
  | { readonly eventType: "SHUTDOWN"; readonly deadlineMs: number; readonly shutdownReason: string };

export class ExtensionsApiError extends Error {
  override readonly name = "ExtensionsApiError";
}

/**
 * How Lambda refuses INVOKE on Managed Instances: 403 with this errorType, and the extension may
 * register again (aws/aws-lambda-runtime-interface-emulator, internal/lambda-managed-instances:
 * rapi/handler/agentregister.go validates each event before any state change, and
 * core/externalagent.go accepts SHUTDOWN only).
 */
export const INVALID_EVENT_TYPE = "Extension.InvalidEventType";

export class ExtensionsApi {
  private identifier: string | undefined;
  private registering: Promise<Registration> | undefined;
  private markSent: () => void = () => {};
  private releaseAnswer: () => void = () => {};
  /** Settles once the register answer may be read: at the first register() call. */
  private readonly answerWanted: Promise<void> = new Promise((resolve) => {
    this.releaseAnswer = resolve;
  });
  /**
   * Settles once the first register request is written (or failed): start-up loads the rest of
   * itself after that, so no compiling holds the request back.
   */
  readonly registerSent: Promise<void> = new Promise((resolve) => {
    this.markSent = resolve;
  });

  /** `events`: what to register for (eventsToRegister() picks them for the environment). */
  constructor(
    private readonly runtimeApi: string,
    private readonly events: readonly LifecycleEvent[] = ["INVOKE", "SHUTDOWN"],
  ) {}

  /**
   * Registers for `events`. Should Lambda refuse INVOKE where AWS_LAMBDA_INITIALIZATION_TYPE did not
   * say Managed Instances, registers again for SHUTDOWN alone rather than failing init. A call while
   * one is in flight (sent by sendRegister(), or an init error to report before the answer came)
   * reads that one's answer: Lambda takes one register per extension.
   */
  register(): Promise<Registration> {
    this.releaseAnswer();
    return this.sending();
  }

  /**
   * Sends the register request and leaves its answer unread until register() is called, so that
   * start-up can do what does not need it first. A failure is reported by register().
   */
  sendRegister(): void {
    this.sending().catch(() => undefined);
  }

  private sending(): Promise<Registration> {
    this.registering ??= this.registerOnce().catch((error: unknown) => {
      this.markSent();
      this.registering = undefined;
      throw error;
    });
    return this.registering;
  }

  private async registerOnce(): Promise<Registration> {
    let events = this.events;
    let response = await this.registerFor(events);
    if (
      response.status === 403 &&
      events.includes("INVOKE") &&
      errorTypeOf(response) === INVALID_EVENT_TYPE
    ) {
      events = ["SHUTDOWN"];
      response = await this.registerFor(events);
    }
    const identifier = response.headers[HEADER_IDENTIFIER.toLowerCase()];
    if (response.status !== 200) {
      throw new ExtensionsApiError(`register answered ${response.status}: ${response.body.slice(0, 200)}`);
    }
    // Sent back as a header on every later call.
    if (identifier === undefined || !/^[\x21-\x7e]{1,256}$/.test(identifier)) {
      throw new ExtensionsApiError(`register answered without a usable ${HEADER_IDENTIFIER} header`);
    }
    this.identifier = identifier;
    const functionName = parseObject(response.body).functionName;
    return { ...(typeof functionName === "string" ? { functionName } : {}), events };
  }

  private registerFor(events: readonly LifecycleEvent[]): Promise<PlainResponse> {
    return this.call(
      "POST",
      "/extension/register",
      { [HEADER_NAME]: EXTENSION_NAME },
      JSON.stringify({ events }),
      undefined,
      () => this.markSent(),
      this.answerWanted,
    );
  }

  /** Blocks until the next event; no client timeout, because the wait is as long as the idle time. */
  async next(): Promise<ExtensionEvent> {
    const response = await this.call("GET", "/extension/event/next", this.identified());
    if (response.status !== 200)
      throw new ExtensionsApiError(`event/next answered ${response.status}: ${response.body.slice(0, 200)}`);
    const event = parseObject(response.body);
    const eventType = event.eventType;
    const deadlineMs = typeof event.deadlineMs === "number" ? event.deadlineMs : Date.now() + 2000;
    if (eventType === "INVOKE") return { eventType, deadlineMs, requestId: String(event.requestId ?? "") };
    if (eventType === "SHUTDOWN")
      return { eventType, deadlineMs, shutdownReason: String(event.shutdownReason ?? "") };
    throw new ExtensionsApiError(`event/next sent an unknown event type ${JSON.stringify(eventType)}`);
  }

  initError(errorType: string, message: string): Promise<void> {
    return this.reportError("/extension/init/error", errorType, message);
  }

  exitError(errorType: string, message: string): Promise<void> {
    return this.reportError("/extension/exit/error", errorType, message);
  }

  /**
   * Telemetry API subscribe (`PUT /2022-07-01/telemetry`, docs: telemetry-api-reference), for the
   * tenant id of tenant isolation mode (tenant/tenantMode.ts); resolves with Lambda's answer as is.
   */
  subscribeTelemetry(body: string): Promise<PlainResponse> {
    return exchange(this.runtimeApi, {
      method: "PUT",
      path: "/2022-07-01/telemetry",
      headers: { ...this.identified(), "Content-Type": "application/json" },
      body,
      timeoutMs: 2000,
    });
  }

  get registered(): boolean {
    return this.identifier !== undefined;
  }

  private async reportError(path: string, errorType: string, message: string): Promise<void> {
    const body = JSON.stringify({ errorMessage: message, errorType, stackTrace: [] });
    const response = await this.call(
      "POST",
      path,
      { ...this.identified(), [HEADER_ERROR_TYPE]: errorType },
      body,
      1000,
    );
    if (response.status !== 202) throw new ExtensionsApiError(`${path} answered ${response.status}`);
  }

  private identified(): Record<string, string> {
    if (this.identifier === undefined) throw new ExtensionsApiError("not registered");
    return { [HEADER_IDENTIFIER]: this.identifier };
  }

  private call(
    method: "GET" | "POST",
    path: string,
    headers: Record<string, string>,
    body?: string,
    timeoutMs?: number,
    onWritten?: () => void,
    readAfter?: Promise<void>,
  ): Promise<PlainResponse> {
    return exchange(this.runtimeApi, {
      ...(onWritten !== undefined ? { onWritten } : {}),
      ...(readAfter !== undefined ? { readAfter } : {}),
      method,
      path: `/2020-01-01${path}`,
      headers: { ...headers, ...(body !== undefined ? { "Content-Type": "application/json" } : {}) },
      ...(body !== undefined ? { body } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    });
  }
}

function parseObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function errorTypeOf(response: PlainResponse): unknown {
  return parseObject(response.body).errorType;
}
