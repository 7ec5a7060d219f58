// Shapes exchanged by the mock Lambda Runtime API (see mockRuntimeApi.ts).
import type { IncomingHttpHeaders } from "node:http";

export const EXTENSION_EVENT_TYPES = ["INVOKE", "SHUTDOWN"] as const;
export type ExtensionEventType = (typeof EXTENSION_EVENT_TYPES)[number];

export interface InvokeEvent {
  eventType: "INVOKE";
  deadlineMs: number;
  requestId: string;
  invokedFunctionArn: string;
  tracing: { type: "X-Amzn-Trace-Id"; value: string };
}

export interface ShutdownEvent {
  eventType: "SHUTDOWN";
  shutdownReason: string;
  deadlineMs: number;
}

export type ExtensionEvent = InvokeEvent | ShutdownEvent;

export interface Registration {
  name: string;
  identifier: string;
  events: string[];
  headers: IncomingHttpHeaders;
}

/** An init/exit error posted by an extension, or an init error posted by the runtime (extension undefined). */
export interface RecordedError {
  route: "init/error" | "exit/error";
  /** Name of the extension that posted it; undefined when the runtime posted `/runtime/init/error`. */
  extension: string | undefined;
  errorType: string;
  body: unknown;
}

/** What the runtime answered for one invocation. */
export interface RuntimeResult {
  requestId: string;
  outcome: "response" | "error";
  errorType: string | undefined;
  body: unknown;
}

/** The runtimeResponse promise of invoke() rejects with this when the runtime posts an invocation error. */
export class RuntimeInvocationError extends Error {
  constructor(
    readonly requestId: string,
    readonly errorType: string | undefined,
    readonly body: unknown,
  ) {
    super(`runtime reported an error for invocation ${requestId}: ${errorType ?? "unknown error type"}`);
    this.name = "RuntimeInvocationError";
  }
}
