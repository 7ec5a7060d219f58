// The "What was tried" section of bench/RESULTS.md: figures from earlier, separate runs.

/**
 * What was tried for issue 13's targets, measured on this machine while it was shared (figures from
 * separate runs, not this one's; each A/B interleaved in one run).
 */
export function tried() {
  return `## What was tried (issue 13)

- **V8's young generation, under load** (cgroup peak after 100,000–300,000 requests from 64 clients,
  one run each, same load): default 46.0–51.3 MiB; \`--max-semi-space-size=1\` 41.1–42.7; \`=2\` 41.0;
  \`=4\` 48.0–50.0. Throughput with \`=1\` against without, interleaved (two pairs of rounds on a
  loaded machine): 0.74 vs 0.71 and 0.63 vs 0.61 of bare node:http, i.e. no cost. **Kept**: the
  launcher passes \`--max-semi-space-size=1\` (the build makes the code cache through the launcher;
  this flag is not among those V8 checks a cache against). At start-up it changes nothing measurable (20.4–20.7 MiB either way).
- \`--max-old-space-size=32\` on top: 35.0–36.6 MiB, the best figure, but it is a hard heap limit: past
  it node aborts, and a sidecar that dies takes every role's credentials with it. **Not kept**.
- \`--optimize-for-size\`: 38.4 MiB but throughput down (4,438 vs 5,533 req/s in that run).
  \`--single-threaded-gc\`: 41.6 MiB, no better than the semi-space flag alone. **Not kept**.
- \`MALLOC_ARENA_MAX=2\` (glibc's malloc arenas; with the semi-space flag): two interleaved pairs,
  35.8–41.6 and 37.4 MiB against 43.7–48.1 and 40.2–46.2 MiB without; throughput 0.95 and 0.89 of
  bare node:http against 0.54 and 0.96 (noise of a loaded machine). **Kept**: the launcher exports it
  for the extension's process only.
- Start-up with both against neither (launcher otherwise the same; two interleaved sets of 12 runs):
  spawn → \`register\` 75.3 vs 75.8 ms and 88.8 vs 81.3 ms; spawn → first credentials 233 vs 228 ms
  and 263 vs 258 ms: at most ~5 ms later (more young-generation collections while the SDK loads),
  within the runs' spread, against the memory saved under load (above).
- What the rest is: at 100,000 requests V8's heap (\`process.memoryUsage().heapTotal\`) is 15–22 MiB of
  the 35–50 MiB; the remainder is native memory (code, malloc, thread stacks). A bare node:http
  server under the same load is charged 24–26 MiB: the 24 MB target is about a bare server's own
  figure, which fastify's and the SDK's code and per-request objects alone exceed.
- **YAML before \`register\`**: the wrapper reads the default role from a file the extension writes
  before \`register\`, and the default role is named in the config, so the file was parsed before
  \`register\`. Issue 21 replaced this with a pre-scan of the file (see "What was tried (issue 21)").
- **First credentials: an AssumeRole client without the SDK** (\`extension/src/sts/directStsAssumer.ts\`:
  SigV4 with node:crypto, node:http(s), the SDK's own XML parser; used when the base credentials are
  keys in the environment, as in Lambda; the SDK's STS client and credential chain otherwise, or for
  settings only the SDK resolves). Profiled before: the SDK's load and above all its first call
  (credential chain, endpoint rules, middleware) were most of the main thread's work after
  \`register\`. Four interleaved pairs of \`--quick\` cold runs (10 runs each, the bench's Python
  timer, load average 3.3 falling to 0.8): (first credentials − round trip) / baseline 5.56–5.72×
  before, 4.44–4.69× after with \`CREDENTIALS_SIDECAR_ROLE_ARN\`; 6.19–6.51× → 4.79–5.08× with the
  YAML file of two roles; \`register\` unchanged (1.83–1.96× vs 1.95–2.12×, within noise). Memory, two
  interleaved \`--quick\` pairs: cgroup after start 19.9 → 16.1 MiB, peak RSS 89.4 → 85.8 MiB (bare idle
  node 68.8); after 100,000 requests 41.3 and 37.1 → 34.9 and 26.9 MiB (bare node:http 25.7–26.8).
  **Kept**. (A first A/B, with figures of no change, had in fact measured the SDK path: the bench and
  the process kit set \`AWS_CONFIG_FILE\` to a file that does not exist, which the client first took
  as "a config file, leave it to the SDK"; it now looks for a file with content.) What first
  credentials wait for now is mostly fastify's load and start (~30–120 ms of main-thread CPU in the
  profiles), after \`register\`.
- **fastify's import started beside the first AssumeRole** (instead of once the STS client is
  loaded; with the small client that takes a few ms): spawn → first credentials minus spawn → port
  bound, 26 interleaved pairs: median difference −1.7 ms, faster in 15 of 26: nothing. **Not kept**.
- \`--v8-pool-size=1\` (one V8 worker thread instead of four; with both memory settings above, the
  SDK's STS path): cgroup peak after 100,000 requests 40.2 and 46.4 MiB against 38.6 and
  39.2 MiB without, two interleaved pairs (\`--quick\`): no gain. **Not kept**.

## What was tried (issue 19, STS clients)

- **The SDK's own signer, \`@smithy/signature-v4\`, in place of \`extension/src/sts/sigV4.ts\`**
  (\`node bench/signerCost.mjs\`: each side bundled as the build bundles a chunk, minified ESM, run by
  the layer's node 24.21 with a V8 compile cache as the layer ships one, timed from spawn to the first
  signed request; interleaved pairs, order alternating; load average 5–8 on 2 shared cores). The
  signer pulls in \`@smithy/core\`'s serde and protocol code, which the direct client's chunk does not
  load: 144,165 bytes against 2,107. Spawn → signed, 30 pairs: median 125.7 ms (IQR 64.7–155.7) ours,
  165.5 ms (101.4–208.1) smithy; per-pair difference median +20.3 ms (IQR +5.0 to +70.8), smithy slower
  in 23 of 30. Again, 40 pairs: 130.6 ms (118.7–167.8) against 174.1 ms (134.0–209.1), difference
  +31.4 ms (IQR −9.6 to +63.6), slower in 27 of 40. Far above the 2 ms allowed. **Not kept**: sigV4.ts
  stays (its tests check it against the SDK's signatures), \`@smithy/signature-v4\` stays a
  devDependency.
- **Proxies through node's own support** (\`proxyEnv\` on the STS clients' agents, node ≥ 24.5; the
  layer's node is 24.21) rather than undici's \`EnvHttpProxyAgent\` (a devDependency only, and the
  clients use node:http(s)) or a CONNECT tunnel of our own: nothing is loaded, and the option is
  passed only when a proxy variable is set. Loading node:https and making the agent with and without
  \`proxyEnv\`, 30 interleaved pairs in fresh processes of the layer's node: per-pair difference median
  −0.4 ms (IQR −12.1 to +8.9): nothing measurable against the noise. **Kept**.
- **Idle connections shed with per-request tracking** (issue 19 §9: a \`request\` listener and a
  \`close\` listener on every response, to know which connections were idle): the memory and serving
  parts (\`--quick --only memory,serving\`), the same tree with and without the tracking, one after the
  other on a quiet machine: cgroup peak after 100,000 requests 47.6 MiB against 36.2 MiB without (bare
  node:http 26.2 and 27.4), throughput 69% against 84% of bare. **Not kept**: the shedding now works
  per connection and only past the cap (Node's \`closeIdleConnections()\` for keep-alive connections
  between requests, then connections that never sent a byte, oldest first): 35.5 MiB (bare 26.7),
  throughput 106% of bare in the next such run, and the 2,000-idle-connections test passes as before.
`;
}
