// Fleet simulation: N environments × R roles start within a burst window (a deploy, a traffic
// burst), assume every role at once, then refresh and back off by the product's own policy
// (extension/src/roles/refreshPolicy.ts: refreshAtMs, backoffDelayMs with RETRYABLE_BACKOFF). STS
// throttles per account with a token bucket.
// Run alone: node bench/fleet.mjs [--quota 500] [--hours 3]
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { refreshPolicyModule } from "../extension/devkit/sourceModules.mjs";
import { seededRandom } from "../extension/test/support/seededRandom.mjs";

/** A binary min-heap of [time, stream, attempt]. */
class Queue {
  items = [];
  push(item) {
    const a = this.items;
    a.push(item);
    for (let i = a.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (a[p][0] <= a[i][0]) break;
      [a[p], a[i]] = [a[i], a[p]];
      i = p;
    }
  }
  pop() {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l][0] < a[m][0]) m = l;
        if (r < a.length && a[r][0] < a[m][0]) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]];
        i = m;
      }
    }
    return top;
  }
  get size() {
    return this.items.length;
  }
}

/**
 * @param {{ environments: number, roles: number, burstSeconds: number, lifetimeSeconds?: number,
 *   refreshBeforeExpirySeconds?: number, quotaPerSecond: number, hours: number, jitter?: boolean, seed?: number }} o
 * @param {typeof import("../extension/src/roles/refreshPolicy.ts")} policy
 */
export function simulateFleet(o, policy) {
  const random = seededRandom(o.seed ?? 1);
  const lifetimeMs = (o.lifetimeSeconds ?? 3600) * 1000;
  const settings = { refreshBeforeExpirySeconds: o.refreshBeforeExpirySeconds ?? 1200 };
  const marginMs = policy.refreshMarginMs({ issuedAtMs: 0, expiresAtMs: lifetimeMs }, settings);
  const jitter = o.jitter ?? true;
  const horizonMs = o.hours * 3600_000;
  const streams = o.environments * o.roles;
  const queue = new Queue();
  // An environment's roles are all assumed right after its `register`.
  for (let env = 0; env < o.environments; env++) {
    const start = random() * o.burstSeconds * 1000;
    for (let role = 0; role < o.roles; role++) queue.push([start, env * o.roles + role, 0, start]);
  }
  const offered = new Map();
  const accepted = new Map();
  const bump = (map, ms) => {
    const second = Math.floor(ms / 1000);
    map.set(second, (map.get(second) ?? 0) + 1);
  };
  // Token bucket: refills at the quota, holds one second's worth.
  let tokens = o.quotaPerSecond;
  let refilledAt = 0;
  let throttled = 0;
  const firstServedMs = [];
  const gotFirst = new Uint8Array(streams);
  while (queue.size > 0) {
    const [at, stream, attempt, firstAsked] = queue.pop();
    if (at > horizonMs) continue;
    tokens = Math.min(o.quotaPerSecond, tokens + ((at - refilledAt) / 1000) * o.quotaPerSecond);
    refilledAt = at;
    bump(offered, at);
    if (tokens >= 1) {
      tokens -= 1;
      bump(accepted, at);
      if (!gotFirst[stream]) {
        gotFirst[stream] = 1;
        firstServedMs.push(at - firstAsked);
      }
      const session = { issuedAtMs: at, expiresAtMs: at + lifetimeMs };
      const refreshAt = policy.refreshAtMs(session, settings, jitter ? random() : 0);
      queue.push([refreshAt, stream, 0, refreshAt]);
    } else {
      throttled++;
      const delay = policy.backoffDelayMs(attempt, policy.RETRYABLE_BACKOFF, random());
      queue.push([at + delay, stream, attempt + 1, firstAsked]);
    }
  }
  const peak = (map) => Math.max(0, ...map.values());
  const total = [...accepted.values()].reduce((a, b) => a + b, 0);
  firstServedMs.sort((a, b) => a - b);
  const at = (q) =>
    firstServedMs[Math.min(firstServedMs.length - 1, Math.floor(q * firstServedMs.length))] ?? Number.NaN;
  // The refresh waves after the start: peak per second in the last hour of the horizon.
  const lastHour = [...offered].filter(([second]) => second >= horizonMs / 1000 - 3600).map(([, n]) => n);
  return {
    ...o,
    streams,
    peakOffered: peak(offered),
    peakAccepted: peak(accepted),
    throttled,
    averagePerSecond: total / (horizonMs / 1000),
    // Refreshes come margin − jitter × margin / 2 before expiry on average (jitter moves them later).
    steadyPerSecond:
      streams / ((lifetimeMs - marginMs * (1 - (jitter ? policy.JITTER_FRACTION / 2 : 0))) / 1000),
    peakLastHour: Math.max(0, ...lastHour),
    firstCredentialsDelayMs: { p50: at(0.5), p99: at(0.99), max: firstServedMs.at(-1) ?? Number.NaN },
  };
}

export const SCENARIOS = [
  { environments: 1000, roles: 1, burstSeconds: 10 },
  { environments: 1000, roles: 3, burstSeconds: 10 },
  { environments: 5000, roles: 3, burstSeconds: 10 },
  { environments: 5000, roles: 3, burstSeconds: 60 },
  { environments: 10000, roles: 3, burstSeconds: 60 },
  { environments: 10000, roles: 3, burstSeconds: 60, jitter: false },
  { environments: 10000, roles: 3, burstSeconds: 60, lifetimeSeconds: 43200 },
];

export async function runFleet({ quotaPerSecond, hours }) {
  const policy = await refreshPolicyModule();
  return SCENARIOS.map((scenario) => simulateFleet({ ...scenario, quotaPerSecond, hours }, policy));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { quota: { type: "string", default: "500" }, hours: { type: "string", default: "3" } },
  });
  for (const row of await runFleet({ quotaPerSecond: Number(values.quota), hours: Number(values.hours) })) {
    console.log(JSON.stringify(row));
  }
}
