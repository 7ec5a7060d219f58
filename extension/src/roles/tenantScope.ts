import type { AssumeRoleParameters, RoleConfig } from "../config/types.js";
import type { ClassifiedFailure } from "../sts/stsErrors.js";
import type { RoleSession } from "./roleSession.js";

/** What the HTTP server asks of a role: a session, or a tenant-scoped role's gated face. */
export type ServedRole = Pick<RoleSession, "acquire" | "state">;

/** What the environment's tenant id is known to be, as tenant-scoped roles see it. */
export type TenantState =
  | { readonly known: true; readonly tenantId: string }
  /** Not (yet, or ever) usable: why, in the terms a credentials request is answered in. */
  | { readonly known: false; readonly failure: ClassifiedFailure };

/**
 * The tenant side of the role registry (Lambda tenant isolation mode), given only when a role uses
 * ${tenantId}: tenant/tenantMode.ts builds it, so a config without one loads none of it.
 */
export interface TenantScope {
  /** Names of the tenant-scoped roles (config/tenantPlaceholders.ts). */
  readonly roles: ReadonlySet<string>;
  current(): TenantState;
  /** The state once the id is known or something final happened, or after `ms` at the latest. */
  waitFor(ms: number): Promise<TenantState>;
  /** Called once, when the id becomes known; and (`known` false) when it can never be served again. */
  onChange(listener: (state: TenantState) => void): void;
  /** The face the server gets for a tenant-scoped role: nothing served before the id is known. */
  serve(role: RoleConfig, session: RoleSession): ServedRole;
  /**
   * On INVOKE: waits (at most `budgetMs`, less than that by its own bound) for the id, which comes a
   * batch after INVOKE, so the first AssumeRole runs before the sandbox may freeze.
   */
  beforeInvoke(budgetMs: number): Promise<void>;
  /** The role's parameters with the id put in, or why it does not fit. */
  resolve(
    parameters: AssumeRoleParameters,
    tenantId: string,
  ): { ok: true; parameters: AssumeRoleParameters } | { ok: false; message: string };
}
