// Runs every benchmark against the built artefacts (dist/layer-x86_64.zip unpacked like /opt, its
// own node as the baseline) and writes bench/RESULTS.md. `make bench` builds the layer first.
// Usage: node bench/run.mjs [--quick] [--only cold,memory,function,serving,sts,sizes,fleet,tenant] [--out FILE]
import { execFileSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { stsStandInModule } from "../extension/devkit/sourceModules.mjs";
import { measureColdStart } from "./coldStart.mjs";
import { runFleet } from "./fleet.mjs";
import { measureFunction } from "./function128.mjs";
import { cgroupUnavailable } from "./lib/cgroup.mjs";
import { unpackLayer } from "./lib/layer.mjs";
import { ROLE_ARN } from "./lib/sidecar.mjs";
import { measureMemory } from "./memory.mjs";
import { renderResults } from "./report.mjs";
import { measureServing } from "./serving.mjs";
import { measureSizes } from "./sizes.mjs";
import { measureStsBursts, simulateTwelveHours } from "./stsEconomy.mjs";
import { measureTenant } from "./tenant.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const repo = dirname(here);
const dist = join(repo, "dist");
const ALL = ["cold", "memory", "function", "serving", "sts", "sizes", "fleet", "tenant"];

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string", default: ALL.join(",") },
    out: { type: "string", default: join(here, "RESULTS.md") },
  },
});
const only = new Set(values.only.split(","));
const quick = values.quick;
const plan = {
  // The per-run ratios spread with an IQR of 0.2-0.45x here: the median of 30 runs has a standard
  // error of 0.04-0.08x, as large as the gaps to the targets; 60 runs bring it to 0.03-0.05x.
  coldRuns: quick ? 10 : 60,
  servingRounds: quick ? 2 : 4,
  servingRoundMs: quick ? 1500 : 3000,
  pacedRate: 2000,
  memoryRequests: quick ? 200_000 : 1_000_000,
  // Fresh sidecar and bare server, each after 100,000 requests: the after-100,000 target's pairs.
  memoryPairedRounds: quick ? 3 : 7,
  // Bounds the memory run on a slow or shared machine: it stops at the last 100,000 that fits.
  memoryBudgetSeconds: quick ? 30 : 150,
  functionInvocations: quick ? 1000 : 10_000,
  fleetHours: 3,
  tenantRuns: quick ? 6 : 20,
  tenantInvocations: 20,
  fleetQuota: 500,
};
const log = (line) => process.stderr.write(`${line}\n`);

function git(...args) {
  try {
    return execFileSync("git", ["-C", repo, ...args], { encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

/** Two roles, in the shape of examples/config/multi-role.yaml; `default` is the default role. */
function writeYamlConfig() {
  const path = join(layer.root, "bench-config.yaml");
  writeFileSync(
    path,
    [
      // Commented as examples/config's files are (whose apostrophes the default role's line-by-line
      // pre-scan cannot read: the simple reader reads the file before `register` instead).
      "# yaml-language-server: $schema=./config.schema.json",
      "# The function's roles: `default` is the one every SDK gets without code.",
      "default: default",
      "roles:",
      "  default:",
      "    RoleArn: arn:aws:iam::123456789012:role/bench",
      "    DurationSeconds: 3600",
      "    SourceIdentity: bench",
      "  audit:",
      "    RoleArn: arn:aws:iam::123456789012:role/bench-audit",
      "    Tags:",
      "      - Key: team",
      "        Value: bench",
      "",
    ].join("\n"),
  );
  return path;
}

const started = Date.now();
const layer = await unpackLayer(join(dist, "layer-x86_64.zip"));
if (!layer.node) throw new Error("dist/layer-x86_64.zip holds no node");
const layerNodeVersion = execFileSync(layer.node, ["--version"], { encoding: "utf8" }).trim();
const { startStsStandIn } = await stsStandInModule();
const sts = await startStsStandIn();
/**
 * An STS that answers after SLOW_STS_MS, with the same base identity: on Lambda STS is tens of
 * milliseconds away (TLS, the regional endpoint), where the local stand-in answers in ~2 ms. First
 * credentials then show whether start-up overlaps STS with its own work.
 */
const SLOW_STS_MS = 25;
const slowSts = only.has("cold")
  ? await startStsStandIn({ latencyMs: SLOW_STS_MS, base: sts.base })
  : undefined;
const results = {};
const loadBefore = os.loadavg();
try {
  const common = { launcher: layer.launcher, node: layer.node, sts, progress: log };
  if (only.has("sizes")) results.sizes = await measureSizes(dist);
  if (only.has("cold")) {
    log("cold start (timed by bench/lambda_timer.py)…");
    const cold = await measureColdStart({
      layerRoot: layer.root,
      launcher: layer.launcher,
      node: layer.node,
      sts,
      roleArn: ROLE_ARN,
      runs: plan.coldRuns,
      progress: log,
      variants: [
        { name: "env", roles: ["default"] },
        // A YAML config file of two roles, as most set-ups have; both are assumed at start.
        {
          name: "yaml",
          env: { CREDENTIALS_SIDECAR_CONFIG: writeYamlConfig(), CREDENTIALS_SIDECAR_ROLE_ARN: "" },
          roles: ["default", "audit"],
        },
        { name: "slowSts", env: { AWS_ENDPOINT_URL_STS: slowSts?.endpoint ?? "" }, roles: ["default"] },
      ],
    });
    results.cold = cold.env;
    results.coldYaml = cold.yaml;
    results.coldSlowSts = { ...cold.slowSts, stsLatencyMs: SLOW_STS_MS };
  }
  if (only.has("sts")) {
    log("STS economy…");
    results.sts = { bursts: await measureStsBursts(common), twelveHours: await simulateTwelveHours() };
  }
  if (only.has("serving")) {
    log("serving…");
    results.serving = await measureServing({
      ...common,
      rounds: plan.servingRounds,
      roundMs: plan.servingRoundMs,
      pacedRate: plan.pacedRate,
    });
  }
  // Memory is measured as Lambda counts it, in a v1 memory cgroup: root only, and only where that
  // controller is mounted. Elsewhere these parts are skipped, and RESULTS.md says why.
  const noCgroup = cgroupUnavailable();
  if (noCgroup !== undefined) {
    results.skipped = ["memory", "function"]
      .filter((part) => only.delete(part))
      .map((part) => `${part}: ${noCgroup}`);
    log(`skipping memory and the 128 MB function: ${noCgroup}`);
  }
  if (only.has("memory")) {
    log("memory…");
    results.memory = await measureMemory({
      ...common,
      totalRequests: plan.memoryRequests,
      budgetSeconds: plan.memoryBudgetSeconds,
      pairedRounds: plan.memoryPairedRounds,
    });
  }
  if (only.has("function")) {
    log(`128 MB function: ${plan.functionInvocations.toLocaleString("en")} invocations…`);
    results.function = await measureFunction({
      layerRoot: layer.root,
      launcher: layer.launcher,
      sts,
      roleArn: ROLE_ARN,
      invocations: plan.functionInvocations,
      progress: log,
    });
  }
  if (only.has("tenant")) {
    log("tenant isolation mode…");
    results.tenant = await measureTenant({
      layerRoot: layer.root,
      launcher: layer.launcher,
      sts,
      roleArn: ROLE_ARN,
      runs: plan.tenantRuns,
      invocations: plan.tenantInvocations,
      progress: log,
    });
  }
  if (only.has("fleet"))
    results.fleet = await runFleet({ quotaPerSecond: plan.fleetQuota, hours: plan.fleetHours });
} finally {
  await sts.close();
  await slowSts?.close();
  rmSync(layer.root, { recursive: true, force: true });
}

const cpus = os.cpus();
const context = {
  date: new Date().toISOString(),
  quick,
  plan,
  machine: `${cpus[0]?.model ?? "unknown CPU"} × ${cpus.length}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.type()} ${os.release()} ${os.arch()}`,
  load: `${loadBefore.map((n) => n.toFixed(2)).join(" ")} before, ${os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(" ")} after`,
  layerNode: layerNodeVersion,
  harnessNode: process.version,
  commit: `${git("rev-parse", "--short", "HEAD")}${git("status", "--porcelain").length > 0 ? " + uncommitted changes" : ""}`,
  seconds: (Date.now() - started) / 1000,
};
writeFileSync(values.out, renderResults(context, results));
log(`wrote ${values.out} in ${context.seconds.toFixed(0)} s`);
