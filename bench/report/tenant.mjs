// The tenant isolation section of bench/RESULTS.md (bench/tenant.mjs measures it).
import { spread } from "./format.mjs";

export function tenant(t) {
  return `## Tenant isolation mode (issue 18)

The built layer started by the mock Runtime API (\`extension/devkit/mockRuntimeApi\`, bundled on the
fly) twice per run, order alternated: a role with \`RoleSessionName: tenant-\${tenantId}\` and a
\`\${tenantId}\` tag (tenant mode: Telemetry API listener + subscription at init, the role assumed once
platform.start brings the id), and the same YAML role with a fixed value (baseline: no subscription,
the role assumed at init). The mock delivers platform.start after the subscription's 25 ms buffering,
as Lambda batches it. Times on the harness's clock, ms.

| | baseline | tenant mode |
| --- | --- | --- |
| spawn → register | ${spread(t.plain.register)} | ${spread(t.tenant.register)} |
| spawn → init done (waiting in event/next) | ${spread(t.plain.init)} | ${spread(t.tenant.init)} |
| invoke → first 200 for the role | ${spread(t.plain.firstCredentials)} | ${spread(t.tenant.firstCredentials)} |
| the subscription (listener + PUT; sidecar's log) | — | ${spread(t.tenant.subscribe)} |
| each Telemetry batch, POST → answered by the sidecar | — | ${spread(t.tenant.delivery, 2)} |
| register, tenant / baseline (per run pair) | ${spread(t.registerRatio, 2, "×")} | |
| init done, tenant / baseline (per run pair) | ${spread(t.initRatio, 2, "×")} | |

The baseline's init includes its AssumeRole; tenant mode's does not (the role waits for the tenant
id), but adds the subscription. Tenant mode's first credentials come after an invocation starts:
the 25 ms batch delay plus one AssumeRole. No invocation passes through the sidecar; each one costs
it one batch POST, answered while the function runs.
`;
}
