// Renders bench/RESULTS.md: what ran where, each target with its figure and verdict, then details.
// The parts: report/summary.mjs (the targets' table), report/sections.mjs (one section per
// measurement), report/tried*.mjs (what was tried), report/format.mjs (figures and verdicts).
import { fmt } from "./lib/stats.mjs";
import { cold, fleet, lambdaFunction, memory, serving, sizes, sts } from "./report/sections.mjs";
import { summary } from "./report/summary.mjs";
import { tenant } from "./report/tenant.mjs";
import { tried } from "./report/tried.mjs";
import { triedMemory } from "./report/triedMemory.mjs";
import { triedStartUp } from "./report/triedStartUp.mjs";

export function renderResults(context, r) {
  return `# Benchmark results

Written by \`make bench\` (\`node bench/run.mjs${context.quick ? " --quick" : ""}\`); every figure comes from
\`dist/layer-x86_64.zip\` unpacked as Lambda would, run with the layer's own node.

- Date: ${context.date}; run took ${fmt(context.seconds, 0)} s
- Machine: ${context.machine}; load average ${context.load}
- Node: ${context.layerNode} (the layer's, measured and baseline); harness on ${context.harnessNode}
- Commit: ${context.commit}

Figures are medians over repeated runs with their interquartile range and extremes; each ratio is
against its baseline measured in the same run.

${summary(r)}
${r.skipped ? `\nNot measured in this run: ${r.skipped.join("; ")}.\n` : ""}
Why the missed targets are missed and what was tried: "What was tried" at the end, and docs/operations.md,
"Start-up, memory and throughput" (start-up: what still runs before \`register\`, and what first credentials wait for).

${r.cold ? cold(r.cold, r.coldYaml, r.coldSlowSts) : ""}
${r.memory ? memory(r.memory) : ""}
${r.function ? lambdaFunction(r.function) : ""}
${r.sizes ? sizes(r.sizes) : ""}
${r.serving ? serving(r.serving) : ""}
${r.sts ? sts(r.sts) : ""}
${r.fleet ? fleet(r.fleet) : ""}
${r.tenant ? tenant(r.tenant) : ""}
${tried()}

${triedStartUp()}

${triedMemory()}`.replace(/\n{3,}/g, "\n\n");
}
