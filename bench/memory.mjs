// 2. Memory: peak RSS (VmHWM) of the sidecar after start (first credentials served) and after
// 100,000 credentials requests, against the layer's node idling (and, for scale, a bare node:http
// server after the same load). Then on to 1,000,000 requests, sampling resident memory every
// 100,000: a leak shows as a trend over the samples, noise as scatter around a flat line.
import { startBareServer, startIdleNode } from "./lib/bareServer.mjs";
import { runLoad } from "./lib/load.mjs";
import { startTimingRuntime } from "./lib/mockRuntime.mjs";
import { memoryOf, ROLE, startRegisteredSidecar } from "./lib/sidecar.mjs";

const CONNECTIONS = 64;
const PIPELINING = 4;
const STEP = 100_000;

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

export async function measureMemory({ launcher, node, sts, totalRequests, progress = () => {} }) {
  const idle = await startIdleNode(node);
  const idleMemory = memoryOf(idle.child.pid);
  await idle.stop();

  await sts.setSessionLifetimeSeconds(SOAK_SESSION_SECONDS);
  const issuedBefore = sts.issued();
  const soakStarted = Date.now();
  const subject = await startRegisteredSidecar({ launcher, sts, startTimingRuntime });
  const pid = subject.sidecar.child.pid;
  const target = {
    port: subject.sidecar.port,
    path: `/roles/${ROLE}`,
    headers: { authorization: subject.token },
  };
  const afterStart = memoryOf(pid);
  const samples = [];
  let served = 0;
  let seconds = 0;
  try {
    while (served < totalRequests) {
      const run = await runLoad({
        ...target,
        connections: CONNECTIONS,
        pipelining: PIPELINING,
        requests: STEP,
      });
      if (run.statuses[200] !== run.done) throw new Error(`sidecar answered ${JSON.stringify(run.statuses)}`);
      served += run.done;
      seconds += run.seconds;
      samples.push({ requests: served, ...memoryOf(pid) });
      progress(
        `memory: ${served.toLocaleString("en")} requests, RSS ${samples.at(-1).rssMiB.toFixed(1)} MiB`,
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

  const bare = await startBareServer(node, subject.body);
  const bareRun = await runLoad({
    port: bare.port,
    path: target.path,
    headers: target.headers,
    connections: CONNECTIONS,
    pipelining: PIPELINING,
    requests: STEP,
  });
  const bareAfterLoad = memoryOf(bare.child.pid);
  await bare.stop();
  if (bareRun.done !== STEP) throw new Error("bare server did not answer every request");

  // The trend from 100,000 on (the first step includes warm-up: JIT, pools).
  const steady = samples.filter((sample) => sample.requests >= STEP);
  const xs = steady.map((sample) => sample.requests / 1e6);
  const rss = steady.map((sample) => sample.rssMiB);
  return {
    idle: idleMemory,
    bareAfterLoad,
    afterStart,
    after100k: samples[0],
    last: samples.at(-1),
    samples,
    rssSlopeMiBPerMillion: slope(xs, rss),
    rssScatterMiB: Math.max(...rss) - Math.min(...rss),
    requestsPerSecond: served / seconds,
    soak: {
      sessionSeconds: SOAK_SESSION_SECONDS,
      seconds: soakSeconds,
      assumeRoleCalls,
      allowedCalls,
      allOk: true,
    },
  };
}
