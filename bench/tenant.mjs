// Tenant isolation mode's cost (issue 18): the built layer started by the mock Runtime API, with a
// config whose role uses ${tenantId} (Telemetry API subscription, tenant-scoped role) beside the same
// role without it (baseline), run by run interleaved so machine noise hits both alike. Measured:
// spawn → register; spawn → init done (waiting in event/next); the subscription itself (listener +
// PUT, the sidecar's own log); invoke → first 200 for the role (the tenant one waits for platform.start,
// delivered after the 25 ms buffering, then assumes; the baseline's was assumed at init); and the
// per-invocation price: each Telemetry batch's POST → answer at the sidecar's listener.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { mockRuntimeApiModule } from "../extension/devkit/sourceModules.mjs";
import { firstCredentials, spawnSidecar } from "./lib/sidecar.mjs";
import { summarize } from "./lib/stats.mjs";

const EXTENSION = "credentials-sidecar";

/**
 * @param {{ layerRoot: string, launcher: string, sts: object, roleArn: string, runs: number,
 *   invocations: number, progress?: (line: string) => void }} options
 */
export async function measureTenant({ layerRoot, launcher, sts, roleArn, runs, invocations, progress }) {
  const { startMockRuntimeApi } = await mockRuntimeApiModule();
  // The same YAML role both ways, the placeholder or a fixed value: only tenant mode differs.
  const configFile = (name, value) => {
    const path = join(layerRoot, `bench-${name}.yaml`);
    const lines = ["roles:", "  default:", `    RoleArn: ${roleArn}`, `    RoleSessionName: tenant-${value}`];
    writeFileSync(path, [...lines, "    Tags:", `      tenant: ${value}`, ""].join("\n"));
    return { CREDENTIALS_SIDECAR_CONFIG: path, CREDENTIALS_SIDECAR_ROLE_ARN: "" };
  };
  const variants = { plain: configFile("plain", "fixed"), tenant: configFile("tenant", `\${tenantId}`) };
  const rows = {
    plain: { register: [], init: [], firstCredentials: [] },
    tenant: { register: [], init: [], firstCredentials: [], subscribe: [], delivery: [] },
  };
  for (let run = 0; run < runs; run++) {
    // Alternate which goes first, so a drift of the machine's load favours neither.
    const order = run % 2 === 0 ? ["plain", "tenant"] : ["tenant", "plain"];
    for (const name of order) {
      const mock = await startMockRuntimeApi({ functionName: "bench" });
      const sidecar = spawnSidecar({ launcher, runtimeApi: mock.address, sts, env: variants[name] });
      try {
        await mock.waitForRegistered(EXTENSION);
        const registeredAt = performance.now();
        await mock.waitForIdle(EXTENSION);
        const idleAt = performance.now();
        await sidecar.filesReady();
        const row = rows[name];
        row.register.push(registeredAt - sidecar.spawnedAt);
        row.init.push(idleAt - sidecar.spawnedAt);
        const invokedAt = performance.now();
        mock.invoke({}, { tenantId: "bench-tenant" });
        row.firstCredentials.push((await firstCredentials(sidecar)).at - invokedAt);
        if (name === "tenant") {
          const subscribed = sidecar.records.find((line) => line.event === "tenant-subscribed");
          row.subscribe.push(Number(subscribed?.durationMs));
          for (let i = 1; i < invocations; i++) {
            await mock.waitForIdle(EXTENSION);
            mock.invoke({}, { tenantId: "bench-tenant" });
          }
          await mock.waitForTelemetryDeliveries(invocations);
          row.delivery.push(...mock.telemetryDeliveries.map((delivery) => delivery.durationMs));
        }
      } finally {
        await sidecar.stop();
        await mock.close();
      }
    }
    progress?.(`  tenant run ${run + 1}/${runs}`);
  }
  const out = {};
  for (const [name, row] of Object.entries(rows)) {
    out[name] = Object.fromEntries(Object.entries(row).map(([key, values]) => [key, summarize(values)]));
  }
  out.initRatio = summarize(rows.tenant.init.map((ms, i) => ms / rows.plain.init[i]));
  out.registerRatio = summarize(rows.tenant.register.map((ms, i) => ms / rows.plain.register[i]));
  return out;
}
