// 4. STS economy. With the built extension and the STS stand-in's counters:
//   - 1,000 concurrent requests for a role the moment the runtime files appear (cold start);
//   - 1,000 concurrent requests at the refresh boundary (short sessions, burst aimed at refreshAt);
//   each must cost exactly one AssumeRole.
// With RoleSession on a simulated clock: a 12-hour environment life with an invocation every few
// seconds, counting AssumeRole calls per role against ⌈life / (lifetime − margin)⌉ + 1.
import { Agent, request } from "node:http";
import { roleSessionModule } from "../extension/devkit/sourceModules.mjs";
import { seededRandom } from "../extension/test/support/seededRandom.mjs";
import { startTimingRuntime } from "./lib/mockRuntime.mjs";
import { firstCredentials, ROLE, spawnSidecar } from "./lib/sidecar.mjs";

const BURST = 1000;

function burst(port, token) {
  const agent = new Agent({ keepAlive: false, maxSockets: BURST });
  const one = () =>
    new Promise((resolve) => {
      const req = request(
        { host: "127.0.0.1", port, path: `/roles/${ROLE}`, headers: { authorization: token }, agent },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode));
        },
      );
      req.on("error", (error) => resolve(`error ${error.code}`));
      req.end();
    });
  return Promise.all(Array.from({ length: BURST }, one)).then((statuses) => {
    agent.destroy();
    const counts = {};
    for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
    return counts;
  });
}

async function withSidecar(launcher, sts, act) {
  const runtime = await startTimingRuntime();
  const sidecar = spawnSidecar({ launcher, sts, runtimeApi: runtime.address });
  try {
    return await act(sidecar);
  } finally {
    await sidecar.stopWith(() => runtime.shutdown(), 3000);
    await sidecar.stop();
    await runtime.close();
  }
}

/** The sidecar's `assumed` log records so far (parsed by the process kit). */
function assumedLines(sidecar) {
  return sidecar.records.filter((record) => record.event === "assumed");
}

export async function measureStsBursts({ launcher, sts }) {
  sts.setSessionLifetimeSeconds(undefined);
  const coldBefore = sts.calls("AssumeRole");
  const cold = await withSidecar(launcher, sts, async (sidecar) => {
    await sidecar.filesReady();
    const statuses = await burst(sidecar.port, sidecar.token());
    // Requests that gave up waiting (503) retry like an SDK would: still no new AssumeRole.
    await firstCredentials(sidecar);
    return statuses;
  });
  const coldCalls = sts.calls("AssumeRole") - coldBefore;

  // 12 s sessions: margin = min(1200 s, 6 s) = 6 s, so the refresh falls 5.4–6 s after issue.
  const LIFETIME = 12;
  sts.setSessionLifetimeSeconds(LIFETIME);
  let boundaryCalls;
  let boundary;
  try {
    boundary = await withSidecar(launcher, sts, async (sidecar) => {
      await sidecar.filesReady();
      await firstCredentials(sidecar);
      const [first] = assumedLines(sidecar);
      if (!first) throw new Error("no 'assumed' log line");
      const refreshAt = Date.parse(first.refreshAt);
      const before = sts.calls("AssumeRole");
      // Aim the burst a few milliseconds before the refresh falls due: requests are in flight when it does.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, refreshAt - Date.now() - 5)));
      const startedAt = Date.now();
      const statuses = await burst(sidecar.port, sidecar.token());
      // Give a refresh that the burst triggered time to land, well before the next one is due (~5 s).
      await new Promise((resolve) => setTimeout(resolve, 1000));
      boundaryCalls = sts.calls("AssumeRole") - before;
      return { statuses, burstMs: Date.now() - startedAt - 1000, aimedAtMs: startedAt - refreshAt };
    });
  } finally {
    sts.setSessionLifetimeSeconds(undefined);
  }
  return {
    cold: { statuses: cold, assumeRoleCalls: coldCalls },
    boundary: { ...boundary, assumeRoleCalls: boundaryCalls, lifetimeSeconds: LIFETIME },
  };
}

/** A clock whose time only moves when told; timers fire in order as it moves. */
function simulatedClock(startMs) {
  let now = startMs;
  let timers = [];
  return {
    now: () => now,
    schedule(fn, ms) {
      const timer = { at: now + Math.max(0, ms), fn };
      timers.push(timer);
      return () => {
        timers = timers.filter((t) => t !== timer);
      };
    },
    async advanceTo(target) {
      for (;;) {
        timers.sort((a, b) => a.at - b.at);
        const next = timers[0];
        if (!next || next.at > target) break;
        timers.shift();
        now = next.at;
        next.fn();
        for (let i = 0; i < 5; i++) await Promise.resolve();
      }
      now = target;
    },
  };
}

const quietLog = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * One environment's life for one role: invocations every `everyMs` (± half, uniformly), each asking
 * for credentials as an SDK would; timers fire as they would between invocations. Returns the
 * number of AssumeRole calls.
 */
async function simulateLife({
  RoleSession,
  lifetimeSeconds,
  refreshBeforeExpirySeconds,
  lifeMs,
  everyMs,
  random,
}) {
  const clock = simulatedClock(Date.UTC(2026, 0, 1));
  let calls = 0;
  const session = new RoleSession({
    name: "sim",
    settings: { refreshBeforeExpirySeconds },
    clock,
    random,
    log: quietLog,
    assume: async () => {
      calls++;
      const issued = Math.floor(clock.now() / 1000) * 1000;
      return {
        accessKeyId: "ASIASIMULATED",
        secretAccessKey: "simulated",
        sessionToken: "simulated",
        expiresAtMs: issued + lifetimeSeconds * 1000,
        roleArn: "arn:aws:iam::123456789012:role/sim",
        assumedRoleArn: "arn:aws:sts::123456789012:assumed-role/sim/sim",
        sessionName: "sim",
      };
    },
  });
  const end = clock.now() + lifeMs;
  await session.refreshIfDue();
  let at = clock.now();
  while (at < end) {
    at += everyMs * (0.5 + random());
    await clock.advanceTo(Math.min(at, end));
    const acquired = await session.acquire(0);
    if (!acquired.ok) throw new Error(`simulated invocation got no credentials: ${acquired.failure.code}`);
  }
  session.stop();
  return calls;
}

export async function simulateTwelveHours({ environments = 20 } = {}) {
  const { RoleSession } = await roleSessionModule();
  const lifeMs = 12 * 3600 * 1000;
  const rows = [];
  for (const lifetimeSeconds of [900, 3600, 43200]) {
    const refreshBeforeExpirySeconds = 1200;
    const marginSeconds = Math.min(refreshBeforeExpirySeconds, lifetimeSeconds / 2);
    const bound = Math.ceil(lifeMs / 1000 / (lifetimeSeconds - marginSeconds)) + 1;
    // The jitter moves each refresh up to 10% of the margin earlier: the most calls it can cost.
    const jitterBound = Math.ceil(lifeMs / 1000 / (lifetimeSeconds - 1.1 * marginSeconds)) + 1;
    const counts = [];
    for (let env = 0; env < environments; env++) {
      counts.push(
        await simulateLife({
          RoleSession,
          lifetimeSeconds,
          refreshBeforeExpirySeconds,
          lifeMs,
          everyMs: 3000,
          random: seededRandom(lifetimeSeconds * 1000 + env),
        }),
      );
    }
    rows.push({
      lifetimeSeconds,
      marginSeconds,
      bound,
      jitterBound,
      min: Math.min(...counts),
      max: Math.max(...counts),
      environments,
    });
  }
  return rows;
}
