// 2. Memory as Lambda counts it: the sidecar alone in a v1 memory cgroup limited to 128 MiB (the
// function's memory size is such a group's limit, "Max Memory Used" its peak), after start (first
// credentials served), after 100,000 requests from 64 clients, then on towards 1,000,000 within a
// time budget, sampling every 100,000: a leak shows as a trend, noise as scatter around a flat line.
// Beside it, from /proc, peak RSS (VmHWM) against the layer's node idling, and for scale a bare
// node:http server after the same 100,000 requests in a group of its own. Then, since one process's
// figure after 100,000 requests moves by several MiB from run to run (V8 sizes its heap by how fast
// it measured its own collections), paired rounds: a fresh sidecar and a fresh bare server, each
// after 100,000 requests, order alternated, compared by the median of their differences.
import { startBareServer, startIdleNode } from "./lib/bareServer.mjs";
import { createMemoryCgroup } from "./lib/cgroup.mjs";
import { runLoad } from "./lib/load.mjs";
import { startTimingRuntime } from "./lib/mockRuntime.mjs";
import { memoryOf, ROLE, startRegisteredSidecar } from "./lib/sidecar.mjs";
import { summarize } from "./lib/stats.mjs";

const CONNECTIONS = 64;
const STEP = 100_000;
const LIMIT_BYTES = 128 * 2 ** 20;

/** Least-squares slope of y over x. */
function slope(xs, ys) {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/**
 * Also the soak of issue 6: sessions of SOAK_SESSION_SECONDS make the sidecar refresh in the middle
 * of the run (margin = lifetime / 2), while every response must stay a 200 and the AssumeRole count
 * must match the refreshes the policy allows, no more.
 */
const SOAK_SESSION_SECONDS = 90;

/** A process of the layer's node in a fresh 128 MiB group: its memory as Lambda would count it. */
async function inCgroup(start) {
  const group = createMemoryCgroup(LIMIT_BYTES);
  try {
    const started = await start(group);
    return {
      ...started,
      group,
      async stop() {
        await started.stop();
        group.remove();
      },
    };
  } catch (error) {
    group.remove();
    throw error;
  }
}

/**
 * @param {{ launcher: string, node: string, sts: object, totalRequests: number, budgetSeconds: number,
 *   pairedRounds?: number, progress?: (line: string) => void }} options
 */
export async function measureMemory({
  launcher,
  node,
  sts,
  totalRequests,
  budgetSeconds,
  pairedRounds = 5,
  progress = () => {},
}) {
  const idle = await inCgroup((group) => startIdleNode(group.launcherFor(node)));
  const idleMemory = { ...memoryOf(idle.child.pid), cgroup: idle.group.usage() };
  await idle.stop();

  await sts.setSessionLifetimeSeconds(SOAK_SESSION_SECONDS);
  const issuedBefore = sts.issued();
  const soakStarted = Date.now();
  /** The sidecar as the layer starts it, registered, in a group of its own. */
  const startSidecar = () =>
    inCgroup((group) =>
      startRegisteredSidecar({ launcher: group.launcherFor(launcher), sts, startTimingRuntime }),
    );
  const subject = await startSidecar();
  const pid = subject.sidecar.child.pid;
  const target = {
    port: subject.sidecar.port,
    path: `/roles/${ROLE}`,
    headers: { authorization: subject.token },
  };
  const afterStart = { ...memoryOf(pid), cgroup: subject.group.usage() };
  const samples = [];
  let served = 0;
  let seconds = 0;
  const loadStarted = performance.now();
  try {
    while (served < totalRequests) {
      // Bounded: stop before a step that would end past the budget (each step takes about as long as the last).
      const elapsed = (performance.now() - loadStarted) / 1000;
      const lastStep = samples.length > 0 ? seconds / samples.length : 0;
      if (samples.length > 0 && elapsed + lastStep > budgetSeconds) break;
      const run = await runLoad({ ...target, connections: CONNECTIONS, requests: STEP });
      if (run.statuses[200] !== run.done) throw new Error(`sidecar answered ${JSON.stringify(run.statuses)}`);
      served += run.done;
      seconds += run.seconds;
      samples.push({ requests: served, ...memoryOf(pid), cgroup: subject.group.usage() });
      const last = samples.at(-1);
      progress(
        `memory: ${served.toLocaleString("en")} requests, cgroup peak ${last.cgroup.peakMiB.toFixed(1)} MiB, RSS ${last.rssMiB.toFixed(1)} MiB`,
      );
    }
  } finally {
    await subject.stop();
    await sts.setSessionLifetimeSeconds(undefined);
  }
  const soakSeconds = (Date.now() - soakStarted) / 1000;
  const assumeRoleCalls = sts.issued() - issuedBefore;
  // One at start, then one per (lifetime − margin) at the earliest: margin = lifetime / 2 here.
  const allowedCalls = 1 + Math.floor(soakSeconds / (SOAK_SESSION_SECONDS / 2));

  /**
   * A process just started in its group, after STEP requests from CONNECTIONS clients, every one
   * answered 200: its memory. `name` is for the error.
   */
  const afterStep = async (name, started, { pid, port, token }) => {
    try {
      const run = await runLoad({
        port,
        path: target.path,
        headers: { authorization: token },
        connections: CONNECTIONS,
        requests: STEP,
      });
      if (run.statuses[200] !== run.done || run.done !== STEP)
        throw new Error(`${name} answered ${JSON.stringify(run.statuses)} of ${STEP} requests`);
      return { ...memoryOf(pid), cgroup: started.group.usage() };
    } finally {
      await started.stop();
    }
  };
  /** A bare node:http server answering the sidecar's body (it reads no token). */
  const bareAfterStep = async () => {
    const bare = await inCgroup((group) => startBareServer(group.launcherFor(node), subject.body));
    return afterStep("the bare server", bare, { pid: bare.child.pid, port: bare.port, token: subject.token });
  };
  /** A fresh sidecar (sessions of the default lifetime). */
  const sidecarAfterStep = async () => {
    const fresh = await startSidecar();
    return afterStep("the sidecar", fresh, {
      pid: fresh.sidecar.child.pid,
      port: fresh.sidecar.port,
      token: fresh.token,
    });
  };
  const bareAfterLoad = await bareAfterStep();
  const pairs = [];
  for (let round = 0; round < pairedRounds; round++) {
    const pair = {};
    for (const side of round % 2 === 0 ? ["sidecar", "bare"] : ["bare", "sidecar"])
      pair[side] = side === "sidecar" ? await sidecarAfterStep() : await bareAfterStep();
    pairs.push(pair);
    progress(
      `memory: paired round ${round + 1}/${pairedRounds}, cgroup peak ${pair.sidecar.cgroup.peakMiB.toFixed(1)} against bare ${pair.bare.cgroup.peakMiB.toFixed(1)} MiB`,
    );
  }

  // The trend from 100,000 on (the first step includes warm-up: JIT, pools).
  const xs = samples.map((sample) => sample.requests / 1e6);
  const peaks = samples.map((sample) => sample.cgroup.peakMiB);
  return {
    limitMiB: LIMIT_BYTES / 2 ** 20,
    budgetSeconds,
    totalRequests,
    idle: idleMemory,
    bareAfterLoad,
    afterStart,
    after100k: samples[0],
    last: samples.at(-1),
    samples,
    peakSlopeMiBPerMillion: slope(xs, peaks),
    pairs,
    pairedPeaks: {
      sidecar: summarize(pairs.map((pair) => pair.sidecar.cgroup.peakMiB)),
      bare: summarize(pairs.map((pair) => pair.bare.cgroup.peakMiB)),
      difference: summarize(pairs.map((pair) => pair.sidecar.cgroup.peakMiB - pair.bare.cgroup.peakMiB)),
    },
    requestsPerSecond: served / seconds,
    loadSeconds: seconds,
    soak: {
      sessionSeconds: SOAK_SESSION_SECONDS,
      seconds: soakSeconds,
      assumeRoleCalls,
      allowedCalls,
      allOk: true,
    },
  };
}
