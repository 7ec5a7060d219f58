// The function runtime's side of the mock (Runtime API 2018-06-01): invocation/next long-polls, the
// payloads queued for it, and the response or error it posts back for each one.
import type { ServerResponse } from "node:http";
import type { InvokeEvent } from "./events.js";
import { ACCEPTED, fail, isOpen, type Reply, sendJson } from "./httpWire.js";

interface Invocation {
  event: InvokeEvent;
  payload: unknown;
  tenantId: string | undefined;
  resolve: (body: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

export class RuntimeInvocations {
  /** True once a runtime has polled invocation/next: from then on invoke() hands it payloads. */
  connected = false;
  /** The pending GET invocation/next, if the runtime waits in it. */
  private poll: ServerResponse | undefined;
  private readonly queue: Invocation[] = [];
  private readonly pending = new Map<string, Invocation>();

  get waiting(): boolean {
    return this.poll !== undefined;
  }

  /** Parks a GET invocation/next; undefined when parked (answered later), else the refusal. */
  park(res: ServerResponse): Reply | undefined {
    if (this.poll) return fail(403, "InvalidStateTransition", "already waiting in invocation/next");
    this.connected = true;
    this.poll = res;
    res.on("close", () => {
      if (this.poll === res) this.poll = undefined;
    });
    this.pump();
    return undefined;
  }

  /** Queues the payload for the runtime; resolves with its response, rejects on its error or the deadline. */
  push(event: InvokeEvent, payload: unknown, tenantId?: string): Promise<unknown> {
    const { requestId } = event;
    const response = new Promise<unknown>((resolve, reject) => {
      // Like Lambda, give up on the runtime at the deadline, so a caller awaiting it cannot hang.
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new Error(`mock Runtime API: invocation ${requestId} timed out`));
      }, event.deadlineMs - Date.now());
      const invocation: Invocation = { event, payload, tenantId, resolve, reject, timer };
      this.pending.set(requestId, invocation);
      this.queue.push(invocation);
    });
    response.catch(() => {}); // callers that ignore it must not cause an unhandled rejection
    this.pump();
    return response;
  }

  /** POST invocation/<id>/response or /error. */
  answer(id: string, errorType: string | undefined, body: unknown): Reply {
    const invocation = this.pending.get(id);
    if (!invocation) return fail(400, "InvalidRequestID", `unknown or finished invocation ${id}`);
    this.pending.delete(id);
    clearTimeout(invocation.timer);
    if (errorType === undefined) invocation.resolve(body);
    else {
      const detail = body === undefined ? "" : `: ${JSON.stringify(body)}`;
      invocation.reject(new Error(`the function failed invocation ${id} with ${errorType}${detail}`));
    }
    return ACCEPTED;
  }

  /** Rejects every invocation still waiting for the runtime (the mock is closing). */
  rejectAll(reason: string): void {
    for (const invocation of this.pending.values()) {
      clearTimeout(invocation.timer);
      invocation.reject(new Error(reason));
    }
    this.pending.clear();
  }

  private pump(): void {
    if (this.poll && !isOpen(this.poll)) this.poll = undefined;
    // Skip invocations that already timed out before the runtime asked for them.
    while (this.queue[0] && !this.pending.has(this.queue[0].event.requestId)) this.queue.shift();
    const invocation = this.poll && this.queue.shift();
    if (!this.poll || !invocation) return;
    const res = this.poll;
    this.poll = undefined;
    const { requestId, deadlineMs, invokedFunctionArn, tracing } = invocation.event;
    sendJson(res, {
      status: 200,
      body: invocation.payload,
      headers: {
        "Lambda-Runtime-Aws-Request-Id": requestId,
        "Lambda-Runtime-Deadline-Ms": String(deadlineMs),
        "Lambda-Runtime-Invoked-Function-Arn": invokedFunctionArn,
        "Lambda-Runtime-Trace-Id": tracing.value,
        // Tenant isolation mode (RIE rapi/rendering/rendering.go: set only when not empty).
        ...(invocation.tenantId !== undefined ? { "Lambda-Runtime-Aws-Tenant-Id": invocation.tenantId } : {}),
      },
    });
  }
}
