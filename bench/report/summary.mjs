// The summary table of bench/RESULTS.md: each target with its figure and verdict.
import { fmt } from "../lib/stats.mjs";
import { mb, signed, verdict, within } from "./format.mjs";

/**
 * Issue 21's cold-start targets, the same for both configs: spawn → \`register\` ≤ 1.25×, spawn → the
 * runtime's command running ≤ 1.4×, spawn → first credentials net of the STS round trip ≤ 2.5×.
 */
function coldRows(c, what) {
  const reg = c.registerRatio.median;
  const runtime = c.runtimeRatio.median;
  const next = c.eventNextRatio.median;
  const net = c.credentialsNetRatio.median;
  return [
    [
      `1. spawn → \`register\` ≤ 1.25× \`node -e 0\`, ${what}`,
      `${fmt(reg, 2)}× (${fmt(c.register.median)} ms vs ${fmt(c.baseline.median)} ms)`,
      within(reg, 1.25, "×", 2),
    ],
    [
      `1. spawn → the runtime's command running (wrapper started at \`register\`'s answer) ≤ 1.4×, ${what}`,
      `${fmt(runtime, 2)}× (${fmt(c.runtime.median)} ms)`,
      within(runtime, 1.4, "×", 2),
    ],
    [
      `2. spawn → first credentials − STS round trip ≤ 2.5×, ${what}`,
      `${fmt(net, 2)}× (${fmt(c.credentials.median)} ms − ${fmt(c.stsRoundTrip.median, 2)} ms)`,
      within(net, 2.5, "×", 2),
    ],
    [
      `2. spawn → first \`event/next\` (end of the extension's init; no target), ${what}`,
      `${fmt(next, 2)}× (${fmt(c.eventNext.median)} ms)`,
      "—",
    ],
    [
      `2. the floor: a bare Node script's first credentials − round trip (\`bench/timer/floor.cjs\`; no target), ${what}`,
      `${fmt(c.floorNetRatio.median, 2)}× (${fmt(c.floor.median)} ms)`,
      "—",
    ],
    [
      `2. the extension floor: the same script registering and serving through fastify, bundled and code-cached as the layer (no target), ${what}`,
      `${fmt(c.extensionFloorNetRatio.median, 2)}× (${fmt(c.extensionFloor.median)} ms)`,
      "—",
    ],
  ];
}

export function summary(r) {
  const rows = [];
  if (r.cold) rows.push(...coldRows(r.cold, "`CREDENTIALS_SIDECAR_ROLE_ARN`"));
  if (r.coldYaml) rows.push(...coldRows(r.coldYaml, "YAML file of two roles"));
  if (r.coldSlowSts) {
    const c = r.coldSlowSts;
    rows.push([
      `2. spawn → first credentials with an STS that answers after ${c.stsLatencyMs} ms, as on Lambda (no target), \`CREDENTIALS_SIDECAR_ROLE_ARN\``,
      `${fmt(c.credentials.median)} ms (the floor script: ${fmt(c.floor.median)} ms; the extension floor: ${fmt(c.extensionFloor.median)} ms)`,
      "—",
    ]);
  }
  if (r.memory) {
    const m = r.memory;
    rows.push([
      "3. cgroup memory after start (no target; for scale)",
      `${fmt(m.afterStart.cgroup.peakMiB)} MiB peak (bare \`node\` idle: ${fmt(m.idle.cgroup.peakMiB)} MiB)`,
      "—",
    ]);
    const p = m.pairedPeaks;
    rows.push([
      "3. cgroup memory after 100,000 requests from 64 clients ≤ bare node:http's + 4 MiB",
      `${signed(p.difference.median)} MiB, median of ${p.difference.n} paired rounds (range ${fmt(p.difference.min)} to ${fmt(p.difference.max)}; sidecar ${fmt(p.sidecar.median)}, bare node:http ${fmt(p.bare.median)} MiB peak)`,
      within(p.difference.median, 4, " MiB"),
    ]);
    // Noise: usage moves by whole V8 pages and malloc arenas; 2 MiB is the scatter seen between
    // repeated runs of the same load.
    const growth = m.last.cgroup.peakMiB - m.after100k.cgroup.peakMiB;
    const short = m.last.requests < m.totalRequests;
    rows.push([
      `3. flat from 100,000 to ${m.last.requests.toLocaleString("en")} requests (noise 2 MiB)${short ? ` — the ${m.budgetSeconds} s budget ended the run before ${m.totalRequests.toLocaleString("en")}` : ""}`,
      `peak ${fmt(m.after100k.cgroup.peakMiB)} → ${fmt(m.last.cgroup.peakMiB)} MiB (${signed(growth)} MiB; trend ${fmt(m.peakSlopeMiBPerMillion, 2)} MiB per million)`,
      m.samples.length < 3 ? "not judged (too few samples)" : within(growth, 2, " MiB"),
    ]);
    const extraStart = m.afterStart.peakMiB - m.idle.peakMiB;
    rows.push([
      "3. peak RSS after start ≤ bare node + 10 MiB",
      `${signed(extraStart)} MiB (${fmt(m.afterStart.peakMiB)} vs ${fmt(m.idle.peakMiB)} MiB; anonymous ${signed(m.afterStart.anonMiB - m.idle.anonMiB)} MiB)`,
      within(extraStart, 10, " MiB"),
    ]);
  }
  if (r.function) {
    const f = r.function;
    const ok = f.oomKill === 0 && f.invocations === f.extensionInvokes && f.sidecarExit === 0;
    rows.push([
      `5. 128 MB function (boto3 through the wrapper + sidecar, one ${fmt(f.limitMiB, 0)} MiB cgroup): ${f.invocations.toLocaleString("en")} invocations, no OOM kill`,
      `max usage ${fmt(f.maxUsageMiB)} MiB; OOM kills ${f.oomKill}, failcnt ${f.failcnt}`,
      verdict(ok),
    ]);
  }
  if (r.sizes) {
    for (const name of ["layer-x86_64.zip", "layer-arm64.zip"]) {
      const zip = r.sizes.zips[name];
      if (zip === undefined) continue;
      rows.push([
        `4. ${name}: unzipped ≤ 105 MB, zipped < 45 MB`,
        `${fmt(mb(zip.unpacked))} MB unzipped, ${fmt(mb(zip.bytes))} MB zipped`,
        mb(zip.bytes) < 45 ? within(mb(zip.unpacked), 105, " MB") : verdict(false),
      ]);
    }
  }
  if (r.serving) {
    const s = r.serving;
    rows.push([
      "5. throughput ≥ 80% of bare node:http",
      `${fmt(s.throughputRatio.median * 100, 0)}% (${fmt(s.sidecar.perSecond.median, 0)} vs ${fmt(s.bare.perSecond.median, 0)} req/s)`,
      s.throughputRatio.median >= 0.8
        ? verdict(true)
        : `${verdict(false)} by ${fmt((0.8 - s.throughputRatio.median) * 100, 0)} points`,
    ]);
    rows.push([
      "5. p99 < 2 ms (64 clients, saturated; an earlier target)",
      `${fmt(s.sidecar.p99.median, 2)} ms (bare: ${fmt(s.bare.p99.median, 2)} ms)`,
      s.sidecar.p99.median < 2
        ? verdict(true)
        : `${verdict(false)} by ${fmt(s.sidecar.p99.median - 2, 2)} ms`,
    ]);
    rows.push([
      `5. p99 < 2 ms (64 clients, ${s.pacedRate.toLocaleString("en")} req/s in all; an earlier target)`,
      `${fmt(s.sidecar.pacedP99.median, 2)} ms (bare: ${fmt(s.bare.pacedP99.median, 2)} ms)`,
      s.sidecar.pacedP99.median < 2
        ? verdict(true)
        : `${verdict(false)} by ${fmt(s.sidecar.pacedP99.median - 2, 2)} ms`,
    ]);
  }
  if (r.sts) {
    const b = r.sts.bursts;
    rows.push([
      "5. 1,000 concurrent at cold start → 1 AssumeRole",
      `${b.cold.assumeRoleCalls}`,
      verdict(b.cold.assumeRoleCalls === 1),
    ]);
    rows.push([
      "5. 1,000 concurrent at the refresh boundary → 1 AssumeRole",
      `${b.boundary.assumeRoleCalls}`,
      verdict(b.boundary.assumeRoleCalls === 1),
    ]);
    for (const row of r.sts.twelveHours) {
      rows.push([
        `5. 12 h, ${row.lifetimeSeconds} s sessions: calls ≤ ⌈life/(lifetime − margin)⌉ + 1 = ${row.bound}`,
        `${row.min}–${row.max} per role (${row.environments} environments)`,
        row.max <= row.bound
          ? verdict(true)
          : `${verdict(false)} by ${row.max - row.bound} (jitter; ≤ ${row.jitterBound} counting it)`,
      ]);
    }
  }
  if (rows.length === 0) return "";
  return [
    "| Target | Measured (median) | Result |",
    "| --- | --- | --- |",
    ...rows.map((row) => `| ${row.join(" | ")} |`),
  ].join("\n");
}
