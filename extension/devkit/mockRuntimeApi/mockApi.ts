// What the mock Runtime API offers a test: its options and its interface (mockRuntimeApi.ts runs it).
import type { RecordedError, Registration } from "./events.js";
import type { TelemetryDelivery, TelemetrySubscription } from "./telemetryApi.js";

export interface MockRuntimeApiOptions {
  functionName?: string;
  functionVersion?: string;
  invokeTimeoutMs?: number /* for deadlineMs, default 3000 */;
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
  /** No Telemetry API, as AWS's Runtime Interface Emulator (`sam local`): a subscription gets 404. */
  withoutTelemetryApi?: boolean;
  /** Telemetry API batches go out this long after their event instead of the subscriber's timeoutMs. */
  telemetryDelayMs?: number;
}

export interface InvokeOptions {
  /**
   * Tenant isolation mode: the invoke's tenant id (`X-Amz-Tenant-Id` on Lambda's Invoke API), given
   * to the runtime as `Lambda-Runtime-Aws-Tenant-Id` and to Telemetry API subscribers in platform.start.
   */
  tenantId?: string;
}

export interface MockRuntimeApi {
  /** "127.0.0.1:PORT" (any free port, bound before this resolves), the value for AWS_LAMBDA_RUNTIME_API. */
  readonly address: string;
  /** AWS_LAMBDA_INITIALIZATION_TYPE for the processes of this sandbox. */
  readonly initializationType: "on-demand" | "lambda-managed-instances";
  waitForRegistered(name: string, timeoutMs?: number): Promise<Registration>;
  /**
   * Queues INVOKE for every extension registered for it, and for the runtime once one has polled:
   * runtimeResponse then resolves with its response, or rejects on its error or at the deadline.
   */
  invoke(
    payload?: unknown,
    options?: InvokeOptions,
  ): { requestId: string; runtimeResponse: Promise<unknown> | undefined };
  /** Telemetry API subscriptions so far, and the batches delivered to them. */
  readonly telemetrySubscriptions: ReadonlyArray<TelemetrySubscription>;
  readonly telemetryDeliveries: ReadonlyArray<TelemetryDelivery>;
  /** Resolves once that extension has subscribed to the Telemetry API. */
  waitForTelemetrySubscription(name: string, timeoutMs?: number): Promise<TelemetrySubscription>;
  /** Resolves once `count` batches in all have been delivered (answered or failed). */
  waitForTelemetryDeliveries(count: number, timeoutMs?: number): Promise<void>;
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
  /** Closes the server, destroys pending long-polls and rejects pending waits. */
  close(): Promise<void>;
}
