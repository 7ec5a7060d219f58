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
