import type { AssumeRoleParameters } from "../config/types.js";
import type { ClassifiedFailure } from "./stsErrors.js";

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
  /** The role's parameters with the id put in, or why it does not fit. */
  resolve(
    parameters: AssumeRoleParameters,
    tenantId: string,
  ): { ok: true; parameters: AssumeRoleParameters } | { ok: false; message: string };
}
