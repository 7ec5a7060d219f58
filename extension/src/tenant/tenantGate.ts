import type { Clock } from "../platform/clock.js";
import type { Logger } from "../platform/log.js";
import type { TenantState } from "../roles/tenantScope.js";
import type { ClassifiedFailure } from "../sts/stsErrors.js";

/**
 * The environment's tenant id, as the platform reports it: unknown until the first report, then
 * fixed. A second, different id breaks Lambda's promise that an environment serves one tenant, and
 * serving the wrong tenant's credentials is the worst failure there is: from then on nothing
 * tenant-scoped is served, for the rest of the environment's life.
 */
export class TenantGate {
  private state: TenantState;
  private readonly listeners: ((state: TenantState) => void)[] = [];
  private waiters: (() => void)[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly waitHint: string,
  ) {
    this.state = { known: false, failure: unknownFailure(waitHint) };
  }

  current(): TenantState {
    return this.state;
  }

  /** Pending means unknown and still expected; anything else is final. */
  private get pending(): boolean {
    return !this.state.known && this.state.failure.code === UNKNOWN_CODE;
  }

  async waitFor(ms: number): Promise<TenantState> {
    if (!this.pending || ms <= 0) return this.state;
    let cancel: (() => void) | undefined;
    let waiter: (() => void) | undefined;
    await new Promise<void>((resolve) => {
      waiter = resolve;
      this.waiters.push(resolve);
      cancel = this.clock.schedule(resolve, ms);
    });
    cancel?.();
    // A wait that timed out leaves no waiter behind (requests during init would pile up).
    this.waiters = this.waiters.filter((other) => other !== waiter);
    return this.pending ? { known: false, failure: unknownFailure(this.waitHint, ms) } : this.state;
  }

  onChange(listener: (state: TenantState) => void): void {
    this.listeners.push(listener);
  }

  /** A tenant id the platform reported (`source` says where, for the log). */
  observe(tenantId: string, source: string): void {
    if (this.state.known) {
      if (this.state.tenantId === tenantId) return;
      const first = this.state.tenantId;
      this.settle({
        known: false,
        failure: {
          kind: "permanent",
          cause: "refused",
          code: TENANT_CONFLICT_CODE,
          message:
            "this execution environment was given a second tenant id after its first; tenant-scoped roles are served no more in it",
        },
      });
      this.log.error(
        "a second tenant id in one execution environment: tenant-scoped roles are refused from now on",
        {
          event: "tenant-conflict",
          tenantId: first,
          secondTenantId: tenantId,
          source,
        },
      );
      return;
    }
    if (!this.pending) return; // a conflict or an unavailable subscription is final
    this.settle({ known: true, tenantId });
    this.log.info("tenant id known", { event: "tenant", tenantId, source });
  }

  /** The id can never be learnt (the subscription failed): tenant-scoped roles are refused. */
  unavailable(message: string): void {
    if (!this.pending) return;
    this.settle({
      known: false,
      failure: { kind: "permanent", cause: "refused", code: TENANT_UNAVAILABLE_CODE, message },
    });
    this.log.error("tenant-scoped roles cannot be served", { event: "tenant-unavailable", error: message });
  }

  private settle(state: TenantState): void {
    this.state = state;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
    for (const listener of this.listeners) listener(state);
  }
}

export const UNKNOWN_CODE = "TenantIdUnknown";
export const TENANT_CONFLICT_CODE = "TenantConflict";
export const TENANT_UNAVAILABLE_CODE = "TenantIdUnavailable";

function unknownFailure(hint: string, waitedMs?: number): ClassifiedFailure {
  const waited = waitedMs === undefined ? "" : ` within ${waitedMs} ms`;
  return {
    kind: "retryable",
    cause: "pending",
    code: UNKNOWN_CODE,
    message: `this role is scoped to the environment's tenant, and no tenant id has arrived${waited}: ${hint}`,
  };
}
