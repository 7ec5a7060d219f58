import type { RoleConfig } from "../config/types.js";
import type { Clock } from "../platform/clock.js";
import type { Logger } from "../platform/log.js";
import type { Acquired, RoleSession, RoleState } from "../roles/roleSession.js";
import type { TenantState } from "../roles/tenantScope.js";
import type { resolveTenant } from "./tenantParameters.js";

/** What a tenant-scoped role needs of the tenant gate and the resolver. */
interface TenantSource {
  current(): TenantState;
  waitFor(ms: number): Promise<TenantState>;
  resolve: typeof resolveTenant;
}

/**
 * How long a credentials request for a tenant-scoped role waits for the tenant id, and for the id
 * and the AssumeRole together: below the 1 s timeout of the JS and Java SDKs, so that they read our
 * `{Code, Message}` instead of timing out. The id comes ~25 ms into an invocation (tenantMode.ts).
 */
export const TENANT_WAIT_MS = 800;
export const TENANT_REQUEST_BUDGET_MS = 900;
export const TENANT_UNUSABLE_CODE = "TenantIdUnusable";

/** A tenant-scoped role as the HTTP server sees it: nothing is served before the tenant is known. */
export class TenantScopedRole {
  private unusableLogged = false;

  constructor(
    private readonly role: RoleConfig,
    private readonly session: RoleSession,
    private readonly scope: TenantSource,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  state(): RoleState {
    const tenant = this.scope.current();
    if (tenant.known) return this.session.state();
    return tenant.failure.kind === "permanent" ? "failed" : "pending";
  }

  async acquire(waitMs: number): Promise<Acquired> {
    const started = this.clock.now();
    const tenant = await this.scope.waitFor(TENANT_WAIT_MS);
    if (!tenant.known) return { ok: false, failure: tenant.failure, retryAfterMs: 1000 };
    const resolved = this.scope.resolve(this.role.parameters, tenant.tenantId);
    if (!resolved.ok) {
      if (!this.unusableLogged)
        this.log.error("tenant id unusable for role", {
          event: "tenant-unusable",
          role: this.role.name,
          tenantId: tenant.tenantId,
          error: resolved.message,
        });
      this.unusableLogged = true;
      const failure = {
        kind: "permanent",
        cause: "invalidRequest",
        code: TENANT_UNUSABLE_CODE,
        message: resolved.message,
      } as const;
      return { ok: false, failure, retryAfterMs: 0 };
    }
    const left = TENANT_REQUEST_BUDGET_MS - (this.clock.now() - started);
    const acquired = await this.session.acquire(Math.max(0, Math.min(waitMs, left)));
    // A second tenant may have shown up meanwhile: from then on nothing of this role is handed out.
    const after = this.scope.current();
    if (!after.known) return { ok: false, failure: after.failure, retryAfterMs: 1000 };
    return acquired;
  }
}
