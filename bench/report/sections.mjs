// The detail sections of bench/RESULTS.md, one per measurement: how it was measured and its tables.
import { fmt } from "../lib/stats.mjs";
import { kib, mib, spread } from "./format.mjs";

const coldTable = (c, roles) => `| | ms |
| --- | --- |
| baseline \`node -e 0\` (spawn → exit) | ${spread(c.baseline)} |
| spawn → register | ${spread(c.register)} |
| spawn → the runtime's command running (wrapper started at register's answer) | ${spread(c.runtime)} |
| spawn → first \`event/next\` (end of the extension's init) | ${spread(c.eventNext)} |
| spawn → first credentials (default role) | ${spread(c.credentials)} |
${roles > 1 ? `| spawn → credentials of every role | ${spread(c.allRoles)} |\n` : ""}| STS stand-in's AssumeRole round trip (fresh connection) | ${spread(c.stsRoundTrip, 2)} |
| first credentials − round trip | ${spread(c.credentialsNet)} |
| register / baseline (per run pair) | ${spread(c.registerRatio, 2, "×")} |
| runtime's command running / baseline (per run pair) | ${spread(c.runtimeRatio, 2, "×")} |
| first \`event/next\` / baseline (per run pair) | ${spread(c.eventNextRatio, 2, "×")} |
| (first credentials − round trip) / baseline (per run pair) | ${spread(c.credentialsNetRatio, 2, "×")} |
| floor: spawn → first credentials of \`bench/timer/floor.cjs\` | ${spread(c.floor)} |
| floor: (first credentials − round trip) / baseline (per run pair) | ${spread(c.floorNetRatio, 2, "×")} |
| extension floor: spawn → first credentials of \`floor.cjs\` as an extension (register, fastify) | ${spread(c.extensionFloor)} |
| extension floor: (first credentials − round trip) / baseline (per run pair) | ${spread(c.extensionFloorNetRatio, 2, "×")} |
`;

export function cold(c, yaml, slowSts) {
  return `## 1–2. Cold start

Timed from outside Node by \`bench/lambda_timer.py\` (Python's \`time.perf_counter\`; the Node harness's
own event loop would slow the baseline's spawn and exit more than the subject's): spawn of
\`extensions/credentials-sidecar\` (the launcher, which execs the layer's node) → the
\`POST /extension/register\` arriving at the timer's own Runtime API; → the runtime's command really
running: the timer starts the layer's real wrapper (\`credentials-sidecar/wrapper /bin/sh -c 'echo …'\`)
the moment it has answered \`register\`, as Lambda starts the runtime, and times the command's first
line; → the first \`GET /extension/event/next\` (the end of the extension's init); and → the first
\`200\` from \`GET /roles/<role>\` (asked as soon as the token file exists). In every run the timer also sends one
signed AssumeRole to the STS stand-in on a fresh connection: its round trip is subtracted from first
credentials. Baseline: spawn → exit of \`<layer node> -e 0\`, one baseline run beside each subject run,
order rotated. Floor: \`bench/timer/floor.cjs\` run by the layer's node beside them, timed the same
way: only what any Node program serving container credentials must do before its first answer
(listen with node:http, load node:https, sign one AssumeRole with node:crypto, send it, answer with the
credentials), without fastify, config, Runtime API or code cache. The sidecar's time above it is its
own. Extension floor: the same script as a Lambda extension whose HTTP face is fastify
(\`FLOOR_AS=extension\`): it first writes its \`register\` request to a Runtime API of its own (the
answer is not waited for), then serves through fastify built with the sidecar's options; bundled as
the layer bundles fastify and run as a \`vm.Script\` with a V8 code cache trained through first
credentials, as the layer runs its bundles (\`bench/lib/extensionFloor.mjs\`,
\`bench/timer/cachedRunner.cjs\`). It is what the issue's design requires of the sidecar (register, fastify)
and nothing else: no config, roles, session names or logs. All four run in turn, order rotated.

Configured by \`CREDENTIALS_SIDECAR_ROLE_ARN\` (one role, no YAML parser loaded):

${coldTable(c, 1)}
${
  yaml === undefined
    ? ""
    : `Configured by a YAML file of two roles, commented as \`examples/config\`'s are (\`CREDENTIALS_SIDECAR_CONFIG\`;
its default role read by the simple reader before \`register\`, the comments' apostrophes leaving the
line-by-line pre-scan undecided; read and validated after it, without the YAML library; both roles
assumed at start):

${coldTable(yaml, 2)}`
}${slowSts === undefined ? "" : slowStsTable(slowSts)}`;
}

/** The environment config against an STS stand-in that answers after some tens of milliseconds. */
function slowStsTable(c) {
  return `
Configured by \`CREDENTIALS_SIDECAR_ROLE_ARN\` again, against a second STS stand-in that answers after
${c.stsLatencyMs} ms, as a regional STS over TLS might on Lambda, the floor script too: start-up loads
fastify once the AssumeRole request is out, so it loads while STS answers.

| | ms |
| --- | --- |
| baseline \`node -e 0\` (spawn → exit) | ${spread(c.baseline)} |
| spawn → register | ${spread(c.register)} |
| spawn → first credentials (default role) | ${spread(c.credentials)} |
| floor: spawn → first credentials of \`bench/timer/floor.cjs\` | ${spread(c.floor)} |
| extension floor: spawn → first credentials | ${spread(c.extensionFloor)} |
`;
}

export function memory(m) {
  const row = (name, x) =>
    `| ${name} | ${fmt(x.cgroup.peakMiB)} | ${fmt(x.cgroup.anonMiB)} | ${fmt(x.cgroup.cacheMiB)} | ${fmt(x.peakMiB)} | ${fmt(x.anonMiB)} | ${fmt(x.fileMiB)} |`;
  const short = m.last.requests < m.totalRequests;
  return `## 3. Memory

Each process alone in a v1 memory cgroup limited to ${fmt(m.limitMiB, 0)} MiB, entered before the process
execs (so everything it maps is charged there): cgroup peak = \`memory.max_usage_in_bytes\`, of which
anonymous (\`rss\` in \`memory.stat\`) and page cache at that moment; and from \`/proc/<pid>/status\`
the process's peak RSS (VmHWM), anonymous and file-backed RSS. MiB. Load: 64 keep-alive
connections (64 clients), one request in flight on each.

| process | cgroup peak | cgroup anon | cgroup cache | peak RSS | RSS anon | RSS file |
| --- | --- | --- | --- | --- | --- | --- |
${row("bare node, idle (baseline)", m.idle)}
${row("bare node:http server after 100,000 requests", m.bareAfterLoad)}
${row("sidecar after start (first credentials served)", m.afterStart)}
${row("sidecar after 100,000 requests", m.after100k)}
${row(`sidecar after ${m.last.requests.toLocaleString("en")} requests`, m.last)}

cgroup peak every 100,000 requests: ${m.samples.map((x) => fmt(x.cgroup.peakMiB)).join(", ")} MiB; usage at the same
moments: ${m.samples.map((x) => fmt(x.cgroup.nowMiB)).join(", ")} MiB
(least-squares trend ${fmt(m.peakSlopeMiBPerMillion, 2)} MiB per million requests; ${fmt(m.requestsPerSecond, 0)} req/s;
load ran ${fmt(m.loadSeconds, 0)} s${short ? `, stopped by the ${m.budgetSeconds} s budget before ${m.totalRequests.toLocaleString("en")} requests` : ""}).
${soak(m)}
${paired(m)}
The node binary's pages that were already in the page cache (read by earlier runs) stay charged to
whichever group read them first, so the cgroup figures are mostly the process's own anonymous memory
plus the file pages it was first to read: a warm host, as a Lambda worker that already ran this
layer is. The RSS file column counts every mapped page of the binary, cached or not.
`;
}

/**
 * The after-100,000 target's pairs: one process's figure moves by several MiB from run to run (V8
 * sizes its heap by how fast it measured its own collections), so fresh pairs, order alternated.
 */
function paired(m) {
  if (m.pairs === undefined) return "";
  const p = m.pairedPeaks;
  return `
Paired rounds (the target's figure): a fresh sidecar and a fresh bare node:http server (the same
body), each in its own group, each after 100,000 requests from 64 clients, which goes first
alternating. cgroup peak, MiB:

| round | sidecar | bare node:http | difference |
| --- | --- | --- | --- |
${m.pairs.map((pair, i) => `| ${i + 1} | ${fmt(pair.sidecar.cgroup.peakMiB)} | ${fmt(pair.bare.cgroup.peakMiB)} | ${fmt(pair.sidecar.cgroup.peakMiB - pair.bare.cgroup.peakMiB)} |`).join("\n")}
| median | ${fmt(p.sidecar.median)} | ${fmt(p.bare.median)} | ${fmt(p.difference.median)} |
`;
}

/** Issue 6's soak: the same run, with sessions short enough to be refreshed while it goes on. */
function soak(m) {
  if (m.soak === undefined) return "";
  const k = m.soak;
  return `Soak: sessions of ${k.sessionSeconds} s from the STS stand-in, so the sidecar refreshed while the run went on
(${fmt(k.seconds, 0)} s): every one of the ${m.last.requests.toLocaleString("en")} responses was a 200 (the run stops at the first other
status), and STS issued **${k.assumeRoleCalls}** sessions, the policy allowing at most ${k.allowedCalls} (one at start, one per
lifetime − margin).`;
}

export function lambdaFunction(f) {
  return `## 4. A 128 MB function

The sidecar (launcher → layer's node) and a Python boto3 function started through
\`credentials-sidecar/wrapper\` (so the execution role's keys leave its environment and the default
chain finds the role at the sidecar), both entered into one v1 memory cgroup limited to
${fmt(f.limitMiB, 0)} MiB before they exec. \`bench/lambda_timer.py\` plays Lambda: a Runtime API hands the
function ${f.invocations.toLocaleString("en")} invocations (one Python process, reused, as Lambda reuses it) and sends the
sidecar an INVOKE for each once it waits in \`event/next\`. Each invocation calls
\`sts.get_caller_identity()\` on a client made once, signed with the role's credentials (checked:
the answer is an assumed-role ARN). As in section 3, files already in the page cache (node, Python,
boto3) are not charged again: a warm host.

| figure | value |
| --- | --- |
| invocations (function) / INVOKE events (sidecar) | ${f.invocations.toLocaleString("en")} / ${f.extensionInvokes.toLocaleString("en")} |
| time for the invocations | ${fmt(f.seconds)} s (${fmt((f.seconds * 1000) / f.invocations, 2)} ms each, the STS stand-in's answer included) |
| GetCallerIdentity calls at the STS stand-in / AssumeRole | ${f.stsCalls.toLocaleString("en")} / ${f.assumeRoleCalls} |
| execution role's keys left in the function's environment | ${f.keysInEnvironment ? "yes (wrong)" : "no"} |
| cgroup \`memory.max_usage_in_bytes\` | **${fmt(f.maxUsageMiB)} MiB** of ${fmt(f.limitMiB, 0)} MiB |
| \`memory.failcnt\` (times the limit was hit) | ${f.failcnt} |
| \`memory.oom_control\` oom_kill | ${f.oomKill} |
| sidecar exit on SHUTDOWN | ${f.sidecarExit} |
`;
}

export function serving(s) {
  const row = (name, x) =>
    `| ${name} | ${spread(x.perSecond, 0)} | ${fmt(x.p50.median, 2)} | ${fmt(x.p99.median, 2)} | ${fmt(x.pacedP50.median, 2)} | ${fmt(x.pacedP99.median, 2)} |`;
  return `## 6. Serving

64 keep-alive undici connections on loopback, \`GET /roles/default\` with the token; the baseline is
the layer's node with a bare \`node:http\` server answering a static ${s.bodyBytes}-byte body (the
sidecar's own response), rounds alternated. Saturated: each client sends again as soon as answered
(latency then includes queueing: 64 in flight ÷ throughput). Paced: the 64 clients share
${s.pacedRate.toLocaleString("en")} req/s. Client and server share the machine's cores.

| server | req/s saturated | p50 ms | p99 ms | p50 ms paced | p99 ms paced |
| --- | --- | --- | --- | --- | --- |
${row("sidecar", s.sidecar)}
${row("bare node:http", s.bare)}

Throughput ratio per round: ${spread(s.throughputRatio, 2)}.
`;
}

export function sts(x) {
  const b = x.bursts;
  const statuses = (counts) =>
    Object.entries(counts)
      .map(([k, v]) => `${v}× ${k}`)
      .join(", ");
  return `## 6. STS economy

- Cold start: 1,000 concurrent requests (1,000 connections) the moment the token file appeared:
  ${statuses(b.cold.statuses)}; AssumeRole calls: **${b.cold.assumeRoleCalls}**.
- Refresh boundary (${b.boundary.lifetimeSeconds} s sessions from the stand-in, burst sent ${fmt(b.boundary.aimedAtMs, 0)} ms
  from the logged \`refreshAt\`, took ${fmt(b.boundary.burstMs, 0)} ms): ${statuses(b.boundary.statuses)};
  AssumeRole calls: **${b.boundary.assumeRoleCalls}**.
- 12-hour life on a simulated clock (RoleSession from the source, an invocation every 1.5–4.5 s,
  timers firing in between, \`refreshBeforeExpirySeconds\` 1200):

| session lifetime | margin | calls per role | bound ⌈life/(lifetime − margin)⌉ + 1 | bound with the jitter (margin × 1.1) |
| --- | --- | --- | --- | --- |
${x.twelveHours.map((r) => `| ${r.lifetimeSeconds} s | ${r.marginSeconds} s | ${r.min}–${r.max} | ${r.bound} | ${r.jitterBound} |`).join("\n")}
`;
}

export function sizes(z) {
  const zipRows = Object.entries(z.zips)
    .map(
      ([name, zip]) =>
        `| ${name} | ${mib(zip.bytes)} (${zip.bytes.toLocaleString("en")} B) | ${mib(zip.unpacked)} (${zip.unpacked.toLocaleString("en")} B) | ${zip.files} | ${zip.groups
          .slice(0, 3)
          .map(([group, g]) => `${group} ${kib(g.compressedSize)} (${kib(g.size)} unpacked)`)
          .join("; ")} |`,
    )
    .join("\n");
  return `## 5. Sizes

Bundle: ${kib(z.bundleBytes)} in all; \`extension.mjs\` ${kib(z.entryBytes)}, which with the chunks it
imports statically is all that loads before \`register\` (${kib(z.startupBytes)}); ${z.chunks} bundles in \`chunks/\` after it
(the after-\`register\` one with the code cache the build makes; the AWS SDK's, Brotli-compressed, only without keys in the environment).
Largest contributors (all bundles): ${z.contributors
    .slice(0, 8)
    .map(([name, bytes]) => `${name} ${kib(bytes)}`)
    .join(", ")}.

Budget for the zips with node: < 45 MB zipped, ≤ 105 MB unzipped (the build strips node's symbols).

| zip | size | unzipped | files | largest (compressed) |
| --- | --- | --- | --- | --- |
${zipRows}
`;
}

export function fleet(rows) {
  const q = rows[0]?.quotaPerSecond;
  return `## Fleet simulation (\`node bench/fleet.mjs\`)

N environments × R roles start uniformly within a burst window and assume every role at once;
refreshes follow the policy (1 h sessions unless noted); an assumed STS quota of ${q} AssumeRole/s
per account and Region (token bucket, 1 s of burst; AWS does not publish the figure); throttled
calls back off as the sidecar does (its own policy: full jitter from the first retry, 0.1–0.5 s
then doubling, 60 s cap). ${rows[0]?.hours} simulated hours.

| N × R | window | session | jitter | peak offered/s | peak accepted/s | throttled | wait for first credentials p50 / p99 / max | refresh-wave peak/s (last hour) | steady/s |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${rows
  .map(
    (r) =>
      `| ${r.environments.toLocaleString("en")} × ${r.roles} | ${r.burstSeconds} s | ${r.lifetimeSeconds ?? 3600} s | ${r.jitter === false ? "off" : "on"} | ${r.peakOffered} | ${r.peakAccepted} | ${r.throttled.toLocaleString("en")} | ${fmt(r.firstCredentialsDelayMs.p50 / 1000)} / ${fmt(r.firstCredentialsDelayMs.p99 / 1000)} / ${fmt(r.firstCredentialsDelayMs.max / 1000)} s | ${r.peakLastHour} | ${fmt(r.steadyPerSecond)} |`,
  )
  .join("\n")}
`;
}
