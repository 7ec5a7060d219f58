// 3. Serving: 64 keep-alive clients on loopback asking for credentials, against a bare node:http
// server (same node) answering a static body of the same size, in the same run, rounds alternated.
// Saturated (each client sends as soon as it has its answer): throughput, and latency at that load.
// Paced (64 clients sharing a fixed rate): latency when the server is not the bottleneck.
import { startBareServer } from "./lib/bareServer.mjs";
import { runLoad } from "./lib/load.mjs";
import { startTimingRuntime } from "./lib/mockRuntime.mjs";
import { ROLE, startRegisteredSidecar } from "./lib/sidecar.mjs";
import { percentile, summarize } from "./lib/stats.mjs";

const CLIENTS = 64;

export async function measureServing({
  launcher,
  node,
  sts,
  rounds,
  roundMs,
  pacedRate,
  progress = () => {},
}) {
  const subject = await startRegisteredSidecar({ launcher, sts, startTimingRuntime });
  const bare = await startBareServer(node, subject.body);
  const targets = {
    sidecar: {
      port: subject.sidecar.port,
      path: `/roles/${ROLE}`,
      headers: { authorization: subject.token },
    },
    bare: { port: bare.port, path: `/roles/${ROLE}`, headers: { authorization: subject.token } },
  };
  const results = { sidecar: { saturated: [], paced: [] }, bare: { saturated: [], paced: [] } };
  try {
    // Warm-up: both servers' code gets optimised before anything is counted.
    for (const target of Object.values(targets))
      await runLoad({ ...target, connections: CLIENTS, durationMs: 1000 });
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? ["sidecar", "bare"] : ["bare", "sidecar"];
      for (const name of order) {
        const saturated = await runLoad({
          ...targets[name],
          connections: CLIENTS,
          durationMs: roundMs,
          latencies: true,
        });
        const paced = await runLoad({
          ...targets[name],
          connections: CLIENTS,
          durationMs: roundMs,
          ratePerSecond: pacedRate,
          latencies: true,
        });
        for (const [kind, run] of [
          ["saturated", saturated],
          ["paced", paced],
        ]) {
          const failed = Object.entries(run.statuses).filter(([status]) => status !== "200");
          if (failed.length > 0) throw new Error(`${name} answered ${JSON.stringify(run.statuses)}`);
          results[name][kind].push({
            perSecond: run.perSecond,
            p50: percentile(run.latenciesMs, 50),
            p99: percentile(run.latenciesMs, 99),
          });
        }
      }
      progress(`serving: round ${round + 1}/${rounds}`);
    }
  } finally {
    await bare.stop();
    await subject.stop();
  }
  const pick = (name, kind, key) => summarize(results[name][kind].map((run) => run[key]));
  const out = {};
  for (const name of ["sidecar", "bare"]) {
    out[name] = {
      perSecond: pick(name, "saturated", "perSecond"),
      p50: pick(name, "saturated", "p50"),
      p99: pick(name, "saturated", "p99"),
      pacedPerSecond: pick(name, "paced", "perSecond"),
      pacedP50: pick(name, "paced", "p50"),
      pacedP99: pick(name, "paced", "p99"),
    };
  }
  out.throughputRatio = summarize(
    results.sidecar.saturated.map(
      (run, i) => run.perSecond / (results.bare.saturated[i]?.perSecond ?? Number.NaN),
    ),
  );
  out.bodyBytes = Buffer.byteLength(subject.body);
  out.pacedRate = pacedRate;
  return out;
}
