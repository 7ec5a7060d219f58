// The Telemetry API side of the mock (PUT /2022-07-01/telemetry, schema 2025-01-29): who subscribed,
// and the platform events each invocation sends them. Only what tenant isolation mode needs:
// `platform.start` with `record.tenantId` (aws/aws-lambda-runtime-interface-emulator,
// internal/lambda/interop/events_api.go InvokeStartData; rapid/handlers.go sends it before the
// runtime gets the invoke), delivered as Lambda delivers, in a batch (a JSON array) after the
// subscriber's buffering timeoutMs.
import { request } from "node:http";
import { fail, parseJson, type Reply } from "./httpWire.js";

export interface TelemetrySubscription {
  /** The subscribing extension's name. */
  extension: string;
  uri: string;
  types: string[];
  timeoutMs: number;
}

export interface PlatformEvent {
  time: string;
  type: string;
  record: Record<string, unknown>;
}

/** A batch as delivered: to whom, what, and the status the subscriber answered (undefined: failed). */
export interface TelemetryDelivery {
  extension: string;
  events: PlatformEvent[];
  status: number | undefined;
  /** POST sent → answer read, on this process's clock. */
  durationMs: number;
}

const SCHEMA_VERSIONS = new Set(["2025-01-29", "2022-12-13", "2022-07-01"]);
const DEFAULT_TIMEOUT_MS = 1000;

export class TelemetryApi {
  readonly subscriptions: TelemetrySubscription[] = [];
  readonly deliveries: TelemetryDelivery[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly changed: () => void,
    /** Overrides each subscriber's timeoutMs: a test holds the events back this long. */
    private readonly deliveryDelayMs?: number,
  ) {}

  /** Checks the body as the Telemetry API's subscription schema does; answers 200 "OK". */
  subscribe(extension: string, body: string): Reply {
    const parsed = parseJson(body) as Record<string, unknown> | undefined;
    const destination = parsed?.destination as { protocol?: unknown; URI?: unknown } | undefined;
    const types = parsed?.types;
    const buffering = (parsed?.buffering ?? {}) as { timeoutMs?: unknown };
    if (
      typeof parsed?.schemaVersion !== "string" ||
      !SCHEMA_VERSIONS.has(parsed.schemaVersion) ||
      destination?.protocol !== "HTTP" ||
      typeof destination.URI !== "string" ||
      !Array.isArray(types) ||
      types.length === 0
    ) {
      return fail(400, "ValidationError", "subscription body does not match the Telemetry API schema");
    }
    const timeoutMs = typeof buffering.timeoutMs === "number" ? buffering.timeoutMs : DEFAULT_TIMEOUT_MS;
    if (timeoutMs < 25 || timeoutMs > 30_000)
      return fail(400, "ValidationError", "buffering.timeoutMs out of range");
    this.subscriptions.push({ extension, uri: destination.URI, types: types.map(String), timeoutMs });
    return { status: 200, body: "OK" };
  }

  /** Sends one platform event to every "platform" subscriber, after its buffering delay. */
  emit(type: string, record: Record<string, unknown>): void {
    const event: PlatformEvent = { time: new Date().toISOString(), type, record };
    for (const subscription of this.subscriptions) {
      if (!subscription.types.includes("platform")) continue;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void this.deliver(subscription, [event]);
      }, this.deliveryDelayMs ?? subscription.timeoutMs);
      this.timers.add(timer);
    }
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private deliver(subscription: TelemetrySubscription, events: PlatformEvent[]): Promise<void> {
    // The listener answers on the sandbox's address; outside Lambda that name is this host.
    const uri = subscription.uri.replace("//sandbox.localdomain:", "//127.0.0.1:");
    const started = performance.now();
    return new Promise((resolve) => {
      const record = (status: number | undefined) => {
        const durationMs = performance.now() - started;
        this.deliveries.push({ extension: subscription.extension, events, status, durationMs });
        this.changed();
        resolve();
      };
      const outgoing = request(
        uri,
        { method: "POST", headers: { "content-type": "application/json" } },
        (res) => {
          res.resume();
          res.on("end", () => record(res.statusCode));
        },
      );
      outgoing.on("error", () => record(undefined));
      outgoing.end(JSON.stringify(events));
    });
  }
}
