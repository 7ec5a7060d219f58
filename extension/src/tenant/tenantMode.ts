/**
 * Tenant isolation mode, loaded by main only when a role uses ${tenantId}: the tenant gate the role
 * registry consults, and after `register` the Telemetry API subscription that feeds it. Without such
 * a role none of this runs: no listener, no subscription, nothing loaded.
 *
 * Why a subscription and not a Runtime API proxy: a proxy would put every invocation (payloads up to
 * 6 MB, streamed responses) through the sidecar to learn one id per environment. The subscription
 * costs one listener and one PUT at init; its price is timing: platform.start is sent before the
 * runtime gets the invoke, but delivered in a batch (timeoutMs 25, the least allowed) while the
 * invocation runs, so a request for a tenant-scoped role waits (bounded) for it. Events cannot come
 * while the environment is frozen, and none carries a tenant id before the first invocation: during
 * init, tenant-scoped roles answer TenantIdUnknown.
 */
import { tenantScopedRoles } from "../config/tenantPlaceholders.js";
import type { SidecarConfig } from "../config/types.js";
import type { ExtensionsApi } from "../lambda/extensionsApi.js";
import { type Clock, msSinceStart } from "../platform/clock.js";
import type { Logger } from "../platform/log.js";
import type { TenantScope } from "../roles/tenantScope.js";
import { tenantReports } from "./telemetryEvents.js";
import type { TelemetryListener } from "./telemetryListener.js";
import { TenantGate } from "./tenantGate.js";
import { resolveTenant } from "./tenantParameters.js";
import { TENANT_WAIT_MS, TenantScopedRole } from "./tenantScopedRole.js";

/** Telemetry API schema 2025-01-29 (the one Managed Instances require; valid everywhere). */
export const TELEMETRY_SCHEMA_VERSION = "2025-01-29";
/** The least batching the Telemetry API allows (buffering minimums: 1000 items, 256 KiB, 25 ms). */
const BUFFERING = { maxItems: 1000, maxBytes: 262_144, timeoutMs: 25 };

export interface TenantMode {
  readonly scope: TenantScope;
  /** Listens and subscribes; never throws (a failure makes tenant-scoped roles answer why). */
  afterRegister(api: ExtensionsApi | undefined): Promise<void>;
  close(): Promise<void>;
}

export function startTenantMode(options: { config: SidecarConfig; clock: Clock; log: Logger }): TenantMode {
  const { log } = options;
  const gate = new TenantGate(
    options.clock,
    log,
    "Lambda reports it with each invocation (Telemetry API platform.start), so tenant-scoped roles are served during invocations, not during init",
  );
  let listener: TelemetryListener | undefined;
  const scope = tenantScope(gate, options);
  const onBatch = (body: string) => {
    const reports = tenantReports(body);
    if (reports === undefined) {
      log.warn("telemetry batch is not a JSON array of events; ignored", { event: "tenant-telemetry" });
      return;
    }
    for (const report of reports) gate.observe(report.tenantId, `telemetry ${report.type}`);
  };
  return {
    scope,
    async afterRegister(api) {
      if (api === undefined) {
        gate.unavailable("no Lambda Runtime API (AWS_LAMBDA_RUNTIME_API) to learn the tenant id from");
        return;
      }
      const started = msSinceStart();
      try {
        // node:http and node:dns load after `register`, off the path every cold start waits on.
        const { listenForTelemetry } = await import("./telemetryListener.js");
        listener = await listenForTelemetry(onBatch);
        const response = await api.subscribeTelemetry(
          JSON.stringify({
            schemaVersion: TELEMETRY_SCHEMA_VERSION,
            destination: { protocol: "HTTP", URI: listener.uri },
            types: ["platform"],
            buffering: BUFFERING,
          }),
        );
        if (response.status !== 200) {
          gate.unavailable(
            `the Telemetry API subscription, which brings the tenant id, was refused: ${response.status} ${response.body.slice(0, 200)}`,
          );
          return;
        }
        log.info("subscribed to the Telemetry API for the tenant id", {
          event: "tenant-subscribed",
          roles: [...scope.roles].join(","),
          durationMs: Math.round(msSinceStart() - started),
        });
      } catch (error) {
        gate.unavailable(
          `the Telemetry API subscription, which brings the tenant id, failed: ${(error as Error).message}`,
        );
      }
    },
    close: async () => {
      await listener?.close();
    },
  };
}

/** The registry's view of the gate (roles/tenantScope.ts): exported for the registry's unit tests. */
export function tenantScope(
  gate: TenantGate,
  options: { config: SidecarConfig; clock: Clock; log: Logger },
): TenantScope {
  const source = {
    current: () => gate.current(),
    waitFor: (ms: number) => gate.waitFor(ms),
    resolve: resolveTenant,
  };
  return {
    roles: tenantScopedRoles(options.config),
    ...source,
    onChange: (fn) => gate.onChange(fn),
    serve: (role, session) => new TenantScopedRole(role, session, source, options.clock, options.log),
    beforeInvoke: async (budgetMs) => {
      await gate.waitFor(Math.min(TENANT_WAIT_MS, budgetMs));
    },
  };
}
