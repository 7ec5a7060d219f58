// Load on loopback with undici: N keep-alive connections, each kept busy (closed loop) or paced at a
// fixed total rate (open loop), for a number of requests or a time. Bounded in both.
import { Pool } from "undici";

/**
 * @param {{ port: number, path: string, headers?: Record<string, string>, connections: number,
 *   pipelining?: number, requests?: number, durationMs?: number, ratePerSecond?: number,
 *   latencies?: boolean, onProgress?: (done: number) => void, progressEvery?: number }} options
 * @returns {Promise<{ done: number, seconds: number, perSecond: number, statuses: Record<string, number>,
 *   latenciesMs: Float64Array }>}
 */
export async function runLoad(options) {
  const { port, path, headers = {}, connections, pipelining = 1 } = options;
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections, pipelining, keepAliveTimeout: 60_000 });
  const limit = options.requests ?? Number.POSITIVE_INFINITY;
  const latencies = options.latencies ? new Float64Array(Math.min(limit, 5_000_000)) : new Float64Array(0);
  const statuses = {};
  const started = performance.now();
  const deadline = options.durationMs === undefined ? Number.POSITIVE_INFINITY : started + options.durationMs;
  const interval = options.ratePerSecond ? 1000 / options.ratePerSecond : 0;
  let issued = 0;
  let done = 0;
  const one = async () => {
    const sentAt = performance.now();
    const { statusCode, body } = await pool.request({ path, method: "GET", headers });
    await body.dump();
    const at = performance.now();
    if (done < latencies.length) latencies[done] = at - sentAt;
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    done++;
    if (options.onProgress && done % (options.progressEvery ?? 100_000) === 0) options.onProgress(done);
  };
  const workers = connections * pipelining;
  const worker = async () => {
    for (;;) {
      if (issued >= limit || performance.now() >= deadline) return;
      if (interval > 0) {
        // Open loop: request k goes out at started + k·interval, whoever is free sends it.
        const due = started + issued * interval;
        issued++;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      } else issued++;
      await one();
    }
  };
  await Promise.all(Array.from({ length: workers }, () => worker()));
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  return {
    done,
    seconds,
    perSecond: done / seconds,
    statuses,
    latenciesMs: latencies.subarray(0, Math.min(done, latencies.length)),
  };
}
