// The extensions' side of the mock (Extensions API 2020-01-01): who registered for what, the events
// queued for each, and the event/next long-poll each one may have parked.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { EXTENSION_EVENT_TYPES, type ExtensionEvent, type Registration } from "./events.js";
import { fail, header, isOpen, parseJson, type Reply, sendJson } from "./httpWire.js";

export interface RegistryOptions {
  functionName: string;
  functionVersion: string;
  accountId: string;
  managedInstances: boolean;
}

export interface ExtensionState {
  reg: Registration;
  queue: ExtensionEvent[];
  /** The pending GET event/next, if the extension is blocked in it. */
  poll: ServerResponse | undefined;
}

const HANDLER = "index.handler";

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
export const UNKNOWN_EXTENSION = fail(
  403,
  "Extension.UnknownExtensionIdentifier",
  "unknown or missing extension identifier",
);

export class ExtensionRegistry {
  readonly refused: { name: string; events: string[]; errorType: string }[] = [];
  private readonly byId = new Map<string, ExtensionState>();
  private readonly byName = new Map<string, ExtensionState>();

  constructor(private readonly opts: RegistryOptions) {}

  byIdentifier(req: IncomingMessage): ExtensionState | undefined {
    return this.byId.get(header(req, "lambda-extension-identifier") ?? "");
  }

  named(name: string): ExtensionState | undefined {
    return this.byName.get(name);
  }

  /** POST register; `closed` once init has ended (the first invoke or shutdown). */
  register(req: IncomingMessage, body: string, closed: boolean): Reply {
    const name = header(req, "lambda-extension-name");
    if (!name) return fail(400, "InvalidRequest", "missing Lambda-Extension-Name header");
    const events = (parseJson(body) as { events?: unknown } | undefined)?.events;
    const known: readonly string[] = EXTENSION_EVENT_TYPES;
    if (!Array.isArray(events) || !events.every((e) => typeof e === "string" && known.includes(e))) {
      return fail(400, "Extension.InvalidEventType", 'body must be {"events": [INVOKE|SHUTDOWN, ...]}');
    }
    const refused = this.opts.managedInstances ? events.find((e) => e !== "SHUTDOWN") : undefined;
    if (refused !== undefined) {
      this.refused.push({ name, events, errorType: "Extension.InvalidEventType" });
      return MANAGED_INSTANCES_REFUSAL(refused);
    }
    if (closed) return fail(403, "Extension.RegistrationClosed", "registration closed already");
    if (this.byName.has(name)) {
      return fail(403, "Extension.InvalidExtensionState", "extension with this name already registered");
    }
    const reg: Registration = { name, identifier: randomUUID(), events, headers: req.headers };
    const ext: ExtensionState = { reg, queue: [], poll: undefined };
    this.byId.set(reg.identifier, ext);
    this.byName.set(name, ext);
    const features = header(req, "lambda-extension-accept-feature")?.split(",") ?? [];
    const answer = {
      functionName: this.opts.functionName,
      functionVersion: this.opts.functionVersion,
      handler: HANDLER,
      ...(features.some((f) => f.trim() === "accountId") ? { accountId: this.opts.accountId } : {}),
    };
    return { status: 200, body: answer, headers: { "Lambda-Extension-Identifier": reg.identifier } };
  }

  /** Parks a GET event/next; `onGone` runs if the extension stops waiting before it is answered. */
  park(ext: ExtensionState, res: ServerResponse, onGone: () => void): Reply | undefined {
    if (ext.poll) return fail(403, "Extension.InvalidExtensionState", "already waiting in event/next");
    ext.poll = res;
    res.on("close", () => {
      if (ext.poll !== res) return; // closed after being answered
      ext.poll = undefined; // the extension gave up waiting
      onGone();
    });
    this.deliver(ext);
    return undefined;
  }

  /** Queues the event for every extension registered for its type. */
  enqueue(event: ExtensionEvent): void {
    for (const ext of this.byId.values()) {
      if (!ext.reg.events.includes(event.eventType)) continue;
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
}
