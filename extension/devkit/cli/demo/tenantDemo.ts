/**
 * `credentials-sidecar demo --tenants`: Lambda's tenant isolation mode with the built layer. Two
 * execution environments, each with its own mock Runtime API, sidecar, function and STS stand-in,
 * are invoked for two tenants. The config puts ${tenantId} into the session name and a session tag;
 * the demo shows the identity each function's SDK got and every AssumeRole its STS received.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type MockRuntimeApi, startMockRuntimeApi } from "../../mockRuntimeApi/mockRuntimeApi.js";
import { type KitProcess, startProcess } from "../../processKit.mjs";
import { CliError, type CliIo, EXIT } from "../io.js";
import { formatLogLine } from "../logFormat.js";
import { type SidecarProcess, startSidecar } from "../sidecarProcess.js";
import type { DemoResult } from "./functions.js";
import { chooseLayerZip, unpackLayer } from "./layer.js";
import { heading, indentLines, row } from "./report.js";
import { builtinStage, FUNCTION_NAME, functionEnv, type Stage } from "./stages.js";

export const DEMO_TENANTS = ["blue", "green"] as const;
const ACCOUNT = "123456789012";

/** The demo's config: both roles tenant-scoped, app directly, audit also through its source. */
export const TENANT_CONFIG = `default: app
roles:
  app:
    RoleArn: arn:aws:iam::${ACCOUNT}:role/demo-app
    RoleSessionName: tenant-\${tenantId}
    Tags:
      tenant: \${tenantId}
  audit:
    RoleArn: arn:aws:iam::${ACCOUNT}:role/demo-audit
    source: app
    RoleSessionName: audit-\${tenantId}
    Tags:
      tenant: \${tenantId}
    DurationSeconds: 900
`;

interface Environment {
  readonly tenant: string;
  readonly stage: Stage;
  readonly mock: MockRuntimeApi;
  readonly sidecar: SidecarProcess;
  readonly runtime: KitProcess;
  readonly lines: string[];
}

export async function tenantDemo(io: CliIo): Promise<number> {
  const startedAt = performance.now();
  const workDir = mkdtempSync(join(tmpdir(), "credentials-sidecar-tenant-demo-"));
  const environments: Environment[] = [];
  try {
    const choice = chooseLayerZip(process.platform, process.arch);
    const layer = await unpackLayer(choice.zip, join(workDir, "opt"));
    io.out("credentials-sidecar demo --tenants: Lambda tenant isolation mode, no AWS account\n");
    io.out(row("layer (unzipped like /opt)", choice.note));
    io.out(row("environments", `${DEMO_TENANTS.length}, one per tenant, each with its own STS stand-in`));
    io.out("  config (CREDENTIALS_SIDECAR_CONFIG), the same in both:\n");
    io.out(indentLines(TENANT_CONFIG.trimEnd().split("\n")));

    for (const tenant of DEMO_TENANTS) {
      const dir = join(workDir, tenant);
      mkdirSync(dir);
      environments.push(await startEnvironment(tenant, dir, layer, choice.hostNode));
    }
    const problems: string[] = [];
    for (const environment of environments) {
      const { tenant, stage, mock } = environment;
      // As Lambda: the invoke names the tenant; the sidecar learns it from platform.start.
      const { runtimeResponse } = mock.invoke(stage.payload, { tenantId: tenant });
      if (runtimeResponse === undefined) throw new CliError("the function's runtime is not connected");
      const result = (await runtimeResponse) as DemoResult;
      io.out(heading(`Environment of tenant ${tenant}`, `invoked with X-Amz-Tenant-Id: ${tenant}`));
      io.out(
        indentLines(
          environment.lines.splice(0).map((line) => `[sidecar] ${formatLogLine(line)}`),
          "  ",
        ),
      );
      io.out(row("function's default chain", result.defaultChain));
      for (const call of result.calls) io.out(row(call.call, `${call.outcome}: ${call.detail}`));
      io.out("  AssumeRole calls this environment's STS received:\n");
      for (const request of stage.assumed?.() ?? []) {
        const tags = request.tags.map((tag) => `${tag.key}=${tag.value}`).join(", ");
        io.out(`    ${request.roleName} as ${request.sessionName}, tags: ${tags || "none"}\n`);
        if (!request.tags.some((tag) => tag.key === "tenant" && tag.value === tenant))
          problems.push(
            `tenant ${tenant}: an AssumeRole of ${request.roleName} without tag tenant=${tenant}`,
          );
      }
      if (!result.defaultChain.endsWith(`/tenant-${tenant}`))
        problems.push(`tenant ${tenant}: the function acted as ${result.defaultChain}`);
      if ((stage.assumed?.() ?? []).length === 0)
        problems.push(`tenant ${tenant}: no AssumeRole reached STS`);
    }
    const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
    if (problems.length > 0) {
      io.err(`\ncredentials-sidecar demo --tenants FAILED:\n${indentLines(problems, "  - ")}`);
      return EXIT.failed;
    }
    io.out(
      `\nDemo passed in ${seconds} s: each environment's SDK acted as its own tenant's session, tagged tenant=<id> for policies on aws:PrincipalTag/tenant.\n`,
    );
    return EXIT.ok;
  } finally {
    for (const environment of environments) {
      await environment.runtime.stop({ graceMs: 2000 });
      await environment.sidecar.kill();
      await environment.mock.close();
      await environment.stage.stop();
    }
    rmSync(workDir, { recursive: true, force: true });
  }
}

async function startEnvironment(
  tenant: string,
  dir: string,
  layer: { launcher: string; wrapper: string },
  hostNode: boolean,
): Promise<Environment> {
  const taskDir = join(dir, "task");
  mkdirSync(taskDir);
  const stage = await builtinStage(taskDir);
  const configPath = join(taskDir, "credentials-sidecar.yaml");
  writeFileSync(configPath, TENANT_CONFIG);
  const mock = await startMockRuntimeApi({ functionName: FUNCTION_NAME, invokeTimeoutMs: 15_000 });
  const runtimeDir = join(dir, "run");
  const env = functionEnv({ home: dir, mock, stage, configPath, runtimeDir, hostNode });
  const lines: string[] = [];
  const sidecar = startSidecar({
    command: layer.launcher,
    args: [],
    env,
    runtimeDir,
    mock,
    onLine: (line) => lines.push(line),
  });
  await sidecar.registered();
  await mock.waitForTelemetrySubscription("credentials-sidecar", 15_000);
  const runtime = startProcess({
    command: layer.wrapper,
    args: stage.runtime,
    cwd: taskDir,
    env: { ...env, LAMBDA_TASK_ROOT: taskDir },
    name: "the function's runtime",
    maxOutputChars: 0,
    onLine: (line) => lines.push(line),
  });
  await mock.waitForRuntime(15_000);
  return { tenant, stage, mock, sidecar, runtime, lines };
}
