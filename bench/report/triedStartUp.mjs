// The "What was tried" section for issue 21's start-up (register first): figures from separate runs
// on this 2-core machine while seven other engineers' work loaded it (load average 8–15), so each
// comparison was interleaved in one run, and CPU time is given beside wall time where load hid it.

export function triedStartUp() {
  return `## What was tried (issue 21: register first)

- **Register first** (kept): \`dist/extension.mjs\` binds the port, writes the runtime files and sends
  \`register\`; config, roles, STS and fastify are a bundle of their own in \`chunks/\`, imported once
  the register request is written. The default role comes from the environment config ("default") or
  a conservative pre-scan of the YAML file (\`config/defaultRoleScan.ts\`; anything it cannot decide is
  parsed before \`register\` as before, and the full parse after \`register\` must agree). Old main
  (4106f6f) against this, the same bench (\`--quick --only cold\`, n=10) run twice each, alternately:
  spawn → \`register\` 2.15× and 1.81× → 1.78× and 1.40× (environment config), 2.56× and 2.20× →
  1.00× and 1.63× (YAML file); spawn → the runtime's command running 2.53×/2.01× → 2.27×/1.59× and
  2.90×/2.43× → 1.08×/1.85×. First credentials did not move beyond the noise (3.3–3.9× before,
  2.2–4.6× after): it waits for the STS client and fastify, which \`register\` no longer waits for.
  CPU used up to the moment the request is written (in process, \`process.cpuUsage()\`, 15 runs
  interleaved): bare node's bootstrap 23 ms; a script that only registers over node:net 30 ms; one
  that also listens first 37 ms; the sidecar 45 ms with the environment config or a pre-scanned YAML
  file, 67 ms with a YAML file the pre-scan leaves to the parser (flow style).
- **One file before \`register\`, not a split bundle** (kept): with one esbuild bundle and code
  splitting, the modules both parts use became eight small shared chunks the entry imported
  statically. The same entry as one file: 45.4 against 49.6 ms of CPU to \`register\` (20 interleaved
  runs each).
- **The rest imported at once, before the request is written**: \`register\` is written on the
  connection's \`connect\` event, and the import's compile ran first. Now the import waits for the
  write (\`ExtensionsApi.registerSent\`).
- **The launcher** (\`extensions/credentials-sidecar\`: \`sh\`, a \`cd\`/\`pwd\` subshell, \`unset\`, two exports,
  \`exec\`): CPU used until the timer stopped the process (SIGSTOP as \`register\` arrived; rusage),
  medians of 20 interleaved runs in three sets: through the launcher 47.5–54.7 ms against 48.6–51.9 ms for the layer's node run
  directly with the same flags and cache, and with a function's \`NODE_OPTIONS\` set (which it unsets)
  54.3 against 54.8 ms: nothing measurable. Left as it is.
- **Where the rest goes**: \`net.Server.listen\` on 127.0.0.1 costs ~5 ms of process CPU in Node 24
  (measured with \`process.cpuUsage()\` around it, after \`dns\` and \`cluster\` were loaded: neither is
  the cause), about what separates "register only" from "listen + register" above; binding before
  \`register\` is required (a function that reads the sidecar without the wrapper must never be
  refused), so it stays. The start-up STS step also loads node:http and node:https (a damaged chunk of
  either then fails init instead of every AssumeRole); on Lambda the first AssumeRole loads node:https
  anyway.
- **The port without a net.Server before \`register\`** (kept): CPU profiles of the layer's node
  (\`--cpu-prof\`, 6 runs) put the cost of \`listen(port, "127.0.0.1")\` in two places: the host is
  resolved through node:dns and the answer filtered with Node's IPv6 pattern, whose first use compiles
  a large regular expression (~4.5 ms self time), and every net.Server listen loads node:cluster (with
  child_process and dgram). \`http/loopbackBind.ts\` binds and listens on Node's \`tcp_wrap\` handle
  (connections queue in the kernel from then on, and are accepted paused), and the handle goes to the
  HTTP server at hand-over; where the binding is missing, the public \`listen\` as before. CPU to the
  written request (the \`registered\` line's \`registerCpuMs\`), 20 interleaved runs through the
  launcher, environment config: median 44.2 ms before, 40.6 ms after. \`--preserve-symlinks-main\`
  (the profile also showed the entry's realpath): 32.3 against 33.2 ms, 15 runs: nothing. Not kept.
- **A code cache taken after a run, for the after-\`register\` part** (kept). CPU profiles of first
  credentials showed most of the ~70 ms after \`register\` in functions compiled as they were first
  called: esbuild's CommonJS wrappers of fastify and its dependencies, fastify's set-up. Node's compile
  cache (which the layer shipped) serialises each module right after compiling it (Node's
  \`src/compile_cache.cc\`, \`MaybeSave\` → \`CreateCodeCache\`), so it held only what V8 compiles
  eagerly: 24 KB of cache for fastify's 283 KB chunk. The same code as a \`vm.Script\` whose cache is
  taken once it has run holds every function that ran. Isolated, the layer's node, 4 runs each:
  fastify's chunk loaded 30.2–34.8 ms and built 10.6–11.7 ms as an ES module with Node's cache,
  17.6–19.1 and 5.7–6.5 ms as a script with a cache taken after a run. The after-\`register\` code is
  now one CommonJS bundle (esbuild turns its dynamic imports into lazily run module bodies), the build
  trains it (\`layer/build/codeCache.mjs\`), and \`platform/cachedScript.ts\` checks the cache
  (SHA-256 digests then, CRC-32s now: see the next entry) before V8 sees it: V8 checks only the source's length (a cache made for other text of the
  same length is accepted and runs the old code: a unit test shows it) and, in release builds, no
  checksum. The cold bench (\`--quick\`, n=10) before → after: first credentials − STS round trip
  4.07× → 3.36× (environment config), 4.59× → 3.39× (YAML file). Costs and choices, measured on the
  way: without any cache the one bundle compiles in 36–38 ms (808 KB; the ES module chunks were parsed
  only when imported), so the AWS SDK's client (a third of it, needed only without keys in the
  environment) is a bundle of its own; node:crypto for the digest costs ~7 ms to load, which the STS
  signer pays anyway right after; compressing the 744 KB cache would save ~0.5 MB of layer but costs
  ~7 ms at every start (node:zlib's load and the inflate), so only the rarely read SDK bundle is
  compressed (Brotli, 320 → 75 KB), which with leaving \`semver\` and \`@fastify/proxy-addr\` out (used
  only for plugins' version ranges and \`trustProxy\`) keeps the x86_64 zip within 110 MB. Leaving
  \`safe-regex2\` out too failed the build's training run (find-my-way uses it at load). Node's compile
  cache of the entry (32 KB) was dropped for the same budget: with it, the register request was written
  0.8 ms sooner and with 1.0 ms less CPU (medians of the paired differences, 15 alternated runs of the
  \`registered\` line's figures; medians 32.4 against 33.5 ms), a cost the budget leaves no room to
  avoid (18 KB left under 110 MB). The cache
  taken at exit was 737 KB, taken once credentials were served 730 KB (that is when the build takes
  it). Two builds give different bytes (V8's output), as the compile cache did. The arm64 zip's cache
  is made the same way with its node under qemu-user (its node takes it there, \`layer/test/arm64.test.ts\`;
  the earlier compile cache was left out of it because under qemu it changed nothing measurable, and
  start-up with this one was not measured on arm64 hardware).
- **The same for the entry, before \`register\`** (measured first and not kept; kept later). \`main.ts\`
  as a CommonJS bundle run by a small loader with a code cache taken after a run (83 KB). 8 runs
  each, alternated, the \`registered\` line's figures: the request written at 28.7–43.2 ms (median
  32.6) without, 24.6–38.7 ms (median 29.9) with; CPU to it 32.8–49.1 (median 37) against 28.1–44.1
  (median 32.4): about 3–4 ms sooner. Not kept at first: node:crypto, for a digest of the cache, costs
  ~7 ms to load before \`register\`, the public node:zlib ~3 ms, and the x86_64 zip had 18 KB left under
  110 MB. **Kept** once both were solved: node's zlib binding (\`process.binding("zlib").crc32\`, what
  node:zlib's \`crc32\` calls) loads in 0.06 ms and checks 100 KB in 0.03 ms, so both caches now carry
  CRC-32s of their source and data (the check guards against a stale or damaged file, not an
  attacker, who could as well change the bundle); the room came from bundling the YAML parser's ES
  module build, which esbuild tree-shakes (−19 KB), and a stand-in for \`safe-regex2\` (with \`ret\`,
  −16 KB) that answers "safe" for exactly find-my-way's three patterns, checked at build time with the
  real one (leaving it out altogether had failed, above). \`dist/extension.mjs\` is now a 2 KB entry
  that runs \`chunks/beforeRegister.cjs\` with its cache (89 KB); x86_64 zip 109,998,284 bytes. The
  cold bench (\`--quick\`, n=10), the commit before against this one, alternated, two rounds each:
  spawn → \`register\` 1.19× and 1.28× → 1.16× and 1.21× (environment config), 1.25× and 1.29× →
  1.20× and 1.23× (YAML file); spawn → the runtime's command running 1.35×/1.42× → 1.28×/1.33× and
  1.41×/1.43× → 1.35×/1.39×; first credentials − round trip 2.88×/3.13× → 2.84×/3.02× and
  3.32×/3.30× → 3.05×/3.22×. An ES module entry (as now) against a CommonJS one made no difference
  (\`node empty.mjs\` 23.0 against \`empty.cjs\` 22.6 ms of CPU, 40 alternated runs).
- **The first AssumeRole out before fastify loads** (kept). CPU profiles put the roles' first
  AssumeRole connection after fastify's load, although start-up starts the calls first: a connection
  to an address is made on the next tick, which runs only once the promise jobs drain, and fastify's
  load and set-up are one long run of them (with a host name, as on Lambda, the connection, the TLS
  handshake and the write each wait for the loop in turn). Start-up now waits, at most 50 ms, until the
  requests are sent (\`sts/requestsSent.ts\`: ClientRequest \`finish\`) before it loads fastify, which
  then loads while STS answers; \`stsBeforeServer.test.ts\` checks the order on the built layer (it fails
  without the wait). The cold bench's STS stand-in answers in ~2 ms, which the figure subtracts:
  \`--quick\`, two alternated rounds, (first credentials − round trip) / baseline 2.92×/2.75× before
  and 2.91×/2.94× after (environment config), 2.94×/3.04× and 3.23×/3.08× (YAML file): nothing beyond
  the noise. The same bench with the stand-in answering after 25 ms (round trip 27.4–27.9 ms), as a
  regional STS over TLS might: spawn → first credentials 89.9 and 86.2 ms before, 77.8 and 79.9 ms
  after (environment config); 91.3 and 91.2 against 83.6 and 88.4 ms (YAML file).
- **The register request without node:net** (kept): the entry loaded node:net (and its fifteen stream
  modules) to connect to the Runtime API, and wrote the request from the connection's callbacks.
  \`lambda/rawConnect.ts\` connects and writes it on Node's \`tcp_wrap\` handle, as the credentials port
  already listens on one, and node:net loads on the next turn to read the answer on that connection
  (the early listener loads it only for a connection before the hand-over). 15 alternated runs, the
  \`registered\` line's figures: the request written at a median of 33.9 ms before and 26.2 ms after, CPU
  to it 34.5 and 28.9 ms; medians of the paired differences 6.6 ms and 6.0 ms. The cold bench
  (\`--quick\`, n=10, twice) then gave \`register\` 1.35× and 1.33× bare node (environment config), 1.48×
  and 1.37× (YAML file), against 1.48× and 1.50× in the full run before it.
- **Named imports of built-ins in the entry** (kept): the entry required node:fs, node:path, node:url
  and node:module through esbuild's interop, which copies every export onto a new object (twelve
  copies, node:fs alone over a hundred properties; 0.6 ms for four of them measured alone). The
  build now gives each importing file a stand-in that exports just the names it imports. 15
  alternated runs: the register request out at a median of 26.1 against 24.4 ms, CPU 29.4 against
  28.6 ms; medians of the paired differences 1.6 ms and 0.5 ms.
- **What first credentials still wait for** (CPU profiles of the layer through its launcher, YAML
  config of two roles, 8 runs, 0.1 ms sampling): about 80 ms of samples per run, of which V8 code
  cache deserialisation (\`vm.Script\`, both bundles) 7.0 ms, compiling Node's built-ins
  (\`compileForInternalLoader\`) 6.9 ms, garbage collection 5.9 ms, idle 6.6 ms (waiting on the test's
  Runtime API and STS). The built-ins start-up loads after \`register\`: node:net and its streams,
  node:http, node:crypto (SigV4), node:https with node:tls (AssumeRole's transport on Lambda), and
  three a Lambda sidecar needs none of, each timed alone after net and http were loaded: node:assert
  (fastify, find-my-way and avvio require it as they load) 0.9–1.2 ms, node:cluster with
  child_process and dgram (every \`net.Server\` listen requires it, the hand-over included) 0.7 ms,
  perf_hooks (the global \`performance\`) 0.5 ms: left, together under the noise of the cold bench.
  Later, with profiles of the same kind (8 runs): node:assert 0.7 ms, perf_hooks 1.1 ms (loaded by
  the sidecar's own \`performance.now()\` before \`register\`, and by fastify's logger-factory, which
  destructures \`performance\` as it loads). **Kept**: the sidecar reads \`process.uptime()\` instead,
  and the build serves fastify's and find-my-way's \`assert(value, message)\` calls and
  logger-factory's \`performance.now()\` with stand-ins, after reading each importer to check that it
  uses nothing else (\`beforeRegisterModules.test.ts\` checks that neither module loads, and fails
  without the stand-ins). The cold bench's \`--quick\` runs could not tell the change from noise
  (2.87× / 3.11× after). node:cluster (1.3–1.6 ms) is required by every \`listen\` of a
  \`net.Server\`, the hand-over's \`listen(handle)\` included, only to ask whether the process is a
  cluster worker. **Kept**: the hand-over does what \`listen(handle)\` does after that question, handing
  the bound handle to \`_listen2\` (the name node keeps for code that wraps it; plain \`listen\` where it
  is missing); \`beforeRegisterModules.test.ts\` checks that node:cluster no longer loads.
- **Young-generation collections at start-up** (\`--trace-gc\`, one run each): with the launcher's
  1 MiB semi-spaces, four scavenges between \`register\` and first credentials, 0.7–0.9 ms each; 2 MiB
  semi-spaces two; 4 MiB none. But the young generation is then larger under load too, which issue
  13 measured at 48–50 against 41–43 MiB after 100,000 requests. \`--minor-ms\` (V8's minor
  mark-sweep instead of the scavenger): five collections of 0.5–0.8 ms, and V8 refuses every code
  cache made without the flag. **Not kept.**
- **The source handed to V8 without a copy** (the wrapper function written into the bundle file by
  the build, so that no 418 KB string is concatenated before compiling): \`new vm.Script\` with the
  cache 2.9–3.7 ms against 3.1–3.5 ms, 5 runs each: nothing. **Not kept.**
- **The floor** (\`bench/timer/floor.cjs\`, timed in the cold bench beside the sidecar since): a bare
  script that only listens with node:http, loads node:https, signs one AssumeRole with node:crypto,
  sends it and answers with the credentials reaches first credentials at 1.8–2.0× \`node -e 0\` (net
  of the round trip) on this machine. The 2.5× target leaves 0.5–0.7× of it (11–15 ms) for what the
  sidecar does beyond that: registering with the Runtime API, the runtime files, the config and its
  validation, the role engine, fastify's load and set-up. The sidecar's figure is 2.9–3.0×.
- **The extension floor** (in the cold bench since, beside the plain floor): the same script as a
  Lambda extension whose HTTP face is fastify, which the design requires of the sidecar: it writes its
  \`register\` request first, then serves through fastify built with the sidecar's options, bundled
  with the layer's stand-ins and run with a code cache trained as the layer's are. \`--quick\` runs
  (n=10 each) put it at 2.16–2.55× \`node -e 0\` net of the round trip, against 1.67–2.05× for the plain
  floor and 2.54–2.81× (environment config) and 2.65–3.15× (YAML file) for the sidecar in the same
  runs: fastify and \`register\` take 0.3–0.5× of the 2.5×, and the sidecar's own work (config and its
  validation, the role engine, session names, logs, its code cache) about 0.3–0.6× more. So the
  target is reachable on Node with fastify only if that last part nearly vanishes.
- **Where the time after \`register\` went** (the process's uptime logged at each step, the cold
  bench's timer, YAML file of two roles, medians of 12 runs, ms): the request written 23.1; the
  after-\`register\` bundle run with its cache 28.8; the config parsed and validated 32.4; the
  register answer read (node:net and its streams load there) 38.0; the log stream report 39.0; the STS
  client (node:crypto, node:https with node:tls) 46.1; the AssumeRole requests written 53.1; fastify
  loaded 55.8 and built 59.1; the port handed over 59.5; the timer's request (waiting since the
  runtime files appeared) reaching the route 64.9.
- **The YAML parser as a bundle of its own** (kept): it was 137 KB of the after-\`register\` bundle's
  669 KB code cache, deserialised at every cold start, an environment config included. Now
  \`chunks/parseYaml.cjs\` with its own cache from the same training run: \`new vm.Script\` with the
  cache, alone in the layer's node, 6 runs: 2.7–3.6 ms for the rest of the bundle (508 KB) and
  0.8–1.4 ms for the parser's (141 KB), against 3.3–4.7 ms for the bundle with it. An environment
  config saves the first difference, a YAML file pays about what it did.
- **Looking for the log stream report before watching** (kept): \`fs.watch\` of the runtime folder (node's
  watchers and an inotify handle) cost 0.6–0.9 ms against 0.1 ms to read the file, 4 runs each; the
  wrapper has usually reported by the time start-up looks, so the watch is now set up only when it
  has not.
- **Reading the register answer after the hand-over** (kept, where nothing waits on it): it waits for
  nothing but node:net's load, yet its reading (a net.Socket on the handle, the stream's first reads,
  the parse, the \`registered\` line) came before the first AssumeRole. Left unread in the kernel until
  fastify serves (node:net loaded by the STS client by then), the bench's own timer, alternating the
  two layers, gave medians of the paired differences of 1.8 and 1.9 ms of first credentials and
  1.4 ms of the main thread's CPU (30 and 40 pairs) in its favour, with a standard deviation of
  13–15 ms. But the first AssumeRole's short wait for the wrapper's log stream report counted from
  \`register\`'s answer (\`layer/test/sessionNames.test.ts\` holds the answer until the wrapper ran,
  and failed). Kept in the form that keeps that: the answer is read first only while the wrapper is
  to report and has not yet (the runtime it runs in starts once Lambda has answered); once the report
  is there, or with no wrapper, after the hand-over. Alternating that layer with the one before it
  (40 pairs, environment config, the wrapper as on Lambda): paired medians 3.2 ms of first
  credentials and 1.3 ms of main-thread CPU in its favour (means 2.5 and 1.6, standard deviation 11).
- **Telling a millisecond**: on these 2 vCPUs, shared by the timer, the stand-ins and the sidecar, the
  same start-up costs the main thread 55–90 ms of CPU; paired runs differ with a standard deviation of
  13–15 ms in wall and CPU time alike, so a 1 ms change would need hundreds of pairs. The changes
  above were judged by measuring the step they change, alone.
- **\`--single-threaded-gc\`** (the scavenges without helper threads, which this machine's load could
  hold up): 12 alternated runs each, the port handed over at 64.8 against 62.4 ms of uptime (median)
  without it. **Not kept.**
- **fastify's default 404 routes**: \`setNotFoundHandler\`'s router registers \`/*\` and \`/\` for
  each of find-my-way's 34 methods (68 routes, each with two generated functions); \`router.all\` took
  0.7–1.2 ms of a fastify \`ready()\` from node_modules, 0.1 ms when made to register GET only. The
  sidecar would have to change fastify's own module to drop them: **not done**.
- **A reader for plain YAML** (kept): the YAML library's first run is most of a YAML file's extra
  cost, and the configs users write (every file in \`examples/config\`) are block mappings and lists
  of one-line scalars. \`config/simpleYaml.ts\` reads those, and leaves to the library anything it is
  not certain of (flow style, anchors, tags, block scalars, escapes, a scalar YAML might type, errors,
  the limits); where it answers, \`simpleYaml.test.ts\` checks that the library answers the same (the
  examples, 8,000 generated documents). The config step (the process's uptime at each step, 15 runs
  each, YAML file of two roles): loading the library's bundle 1.8 ms, parsing 3.2 ms, validating
  0.3 ms, 5.4–7.0 ms in all, against 0.9 ms with the reader. A \`--quick\` cold run then put the YAML
  file at the environment config's figure (2.64× and 2.64×, n=10).
- **The default role of a commented file** (kept): the pre-scan before \`register\` reads line by line
  and counts quotes and brackets to be sure no value spans lines, comments included; an apostrophe
  in a comment (\`the role's trust policy\`) left four of the five example configs undecided, and
  start-up then loaded the rest of start-up and the config before \`register\`. The bench's YAML file
  had no comment, so no figure showed it. What the scan leaves is now read by the simple reader,
  before \`register\`. \`examples/config/multi-role.yaml\` through the bench's timer, 30 pairs
  alternating the two layers: \`register\` 44.0 → 36.0 ms, the runtime's command 47.4 → 40.3 ms,
  first credentials 4.3 ms sooner (paired medians; \`node -e 0\` 29.8 ms in the same runs). The
  bench's YAML file is now commented as the examples are.
- **The rest of start-up run twice** (fixed): where the config was loaded before \`register\`, the
  after-\`register\` bundle was run again after it (its 530 KB cache deserialised a second time,
  3–3.5 ms, and its use logged twice).
- **Where the time after \`register\` goes now** (environment config, the cold bench's own timer,
  the process's uptime at each step, medians of 12 runs, ms): the request written 22.7; the
  after-\`register\` bundle run with its cache 28.0; config, log stream report and the roles' first
  refresh called 29.4; the AssumeRole signed (node:crypto loaded) 35.1; node:http and node:https
  (with node:tls) loaded 37.9; the request made (node's HTTP client, agent and socket, first use)
  42.6; connected 45.5; written 46.4; fastify loaded 48.5 and built 52.0; the request reaching the
  route 55.8 (STS's answer is read in between). CPU profiles of 6 such runs: over the same span,
  no function of the sidecar's own takes more than a few tenths of a millisecond; node's built-ins
  loading and running for the first time, the code cache's deserialisation (3–3.5 ms) and three
  young-generation collections make most of it. The bench's YAML file (two roles, commented) adds
  about 3 ms to that, in the same bench runs (12 each, \`--quick\`): its reading and its default role
  before \`register\` 0.7 ms, its reading and validation after it 1.4 ms (0.4 ms for the environment
  config), the second role's AssumeRole 1 ms before fastify loads.
- **The first AssumeRole over a plain socket** (first measured, not built; **built and kept** in the
  next round): node's HTTP client costs most at its first request (the request, the agent's socket,
  the parser for the answer: 4.4 + 3.1 ms above, and part of the answer's reading). One
  AssumeRole-sized exchange with a local server, each in a fresh process of the layer's node with
  node:http and node:https already loaded, 6 runs each: \`http.request\` through a keep-alive agent
  8.9–12.7 ms (21.3 the first), a \`net\` socket with the request written by hand and the answer split
  at its head 5.2–7.8 ms. Part of that moves rather than goes: node's HTTP server, which fastify then
  starts, runs much of the same code (outgoing and incoming messages, the parser). Measured with it,
  16 alternated fresh processes each, CPU of the exchange then one request served by a node:http
  server (asked over a plain socket): 28.3 ms through \`http.request\` against 24.9 ms by hand.
  **Built**: \`sts/plainStsExchange.ts\` writes the direct client's exchange on node:net or node:tls
  connections of its own (HTTP/1.1 framing shared with the Runtime API client in
  \`platform/http1.ts\`), kept alive, TLS sessions resumed, at most 50 per endpoint, a reused one reset
  before any answer retried once, the SDK's timeouts; through a proxy, node's HTTP client as before
  (it tunnels). The built layer through the cold bench's timer, alternated with the commit before:
  first credentials − round trip, paired medians 1.7 ms sooner (main-thread CPU at first credentials
  2.2 ms less; 40 pairs, environment config) and 5.3 ms (4.7 ms; 30 pairs, the YAML file of two
  roles, two first requests). A first prototype (http only) had given 1.9 ms and 3.3 ms (30 pairs).
  Step marks then showed the request still leaving after node:http and node:https loaded (4–5 ms),
  which start-up loaded first to check the bundle's built-ins: now loaded once the requests are out
  (**kept**). With an STS answering after 25 ms, 30 alternated pairs: first credentials 7.3 ms
  sooner (main-thread CPU the same, 0.5 ms); with the stand-in answering at once, no change (−0.35 ms,
  30 pairs), as the same work still comes before fastify serves.
- **V8's semi-spaces at start-up, again** (the memory target now has room: −5.6 MiB against +4):
  \`--max-semi-space-size=2\` against 1, the layer otherwise the same, 30 alternated pairs of the cold
  bench's timer, paired medians: first credentials 0.65 ms sooner (main-thread CPU 1.4 ms less);
  \`--min-semi-space-size=4 --max-semi-space-size=4\` (caches trained under it): 0.6 ms sooner (CPU
  0.4 ms more), \`register\` 1.5 ms later. Both within the pairs' spread (standard deviation about
  10 ms), against more memory under load. Again on the layer with the hand-written AssumeRole, 40
  alternated pairs: 2 MiB 0.09 ms later (CPU 0.3 ms more), \`register\` 2.2 ms later. A GC observer
  (\`PerformanceObserver\`, caches accepted) counts three scavenges to the end of a run with 1 MiB, two
  with 2 MiB, none with 4 MiB from the start: the fresh pages cost about what the collections did.
  **Not kept.** On the way: \`--trace-gc\` makes V8 refuse the code caches (a flag its cache
  check covers), so the scavenges counted under it at start-up (three or four, above) are those of an
  uncached start, which compiles and allocates more.
- **STS's name connected to by its address** (kept). On Lambda the first AssumeRole goes over TLS to
  a host name, which this bench's STS (plain http at 127.0.0.1) never shows. node:net, node:dns and
  node:tls (\`servername\`, \`checkServerIdentity\`) each first test the name for being an IP address,
  and that test's IPv6 pattern is compiled at its first use: alone in the layer's node, the first
  \`net.isIPv6()\` took 2.7–4.0 ms and the second 0.75–1.25 ms more (V8 compiling it to machine code),
  9 runs. A TLS exchange with a local server by name, fresh processes, 6 alternated pairs: 4–7 ms of
  wall and 6–10 ms of CPU less when the client resolved the name itself (node's resolver binding,
  getaddrinfo as \`dns.lookup\` asks it), connected to the address, set SNI with \`setServername\` and
  checked the certificate against the name. Built that way in \`sts/plainStsExchange.ts\`
  (\`platform/hostAddress.ts\`, \`sts/serverName.ts\`: the usual certificate accepted without node's
  IP test, every other case left to node's \`checkServerIdentity\`; a name without an IPv4 address,
  or whose address does not answer, is connected to by name as node does, from then on). The built
  layer through this
  bench's timer with STS behind a TLS front at \`https://localhost\` (trusted through
  \`NODE_EXTRA_CA_CERTS\`), alternated with the commit before: first credentials 3.1 ms sooner,
  main-thread CPU 7.2 ms less (paired medians, 40 pairs; means 1.2 and 4.8 ms, standard deviation
  11 ms); a first 30 pairs, through a front that delayed answers by Nagle's algorithm, 3.4 and 3.4 ms;
  the final layer of these changes (the lookup started before node:tls loads, with the log stream and
  launcher items below), 40 more pairs: 2.3 and 5.0 ms (means 3.2 and 5.4). With this bench's own
  plain-http STS the same 40 pairs show nothing (0.4 ms sooner, CPU 1.3 ms more: noise).
- **find-my-way's route compiler left out** (kept): 11 KB of the after-\`register\` bundle (and
  3.6 KB of its code cache) that only fastify's \`routerOptions.compile\` reaches, which the server
  never sets; a stand-in names itself should it be reached. It made room for the item above within
  the build's 110 MB guard for the x86_64 layer (13.3 KB left, against 4.1 KB before both).
- **The log stream report watched for later** (kept): without the layer's wrapper as
  \`AWS_LAMBDA_EXEC_WRAPPER\` nothing waits for the report, yet the runtime folder's watch (node's
  watchers and an inotify handle: 0.7–0.9 ms in CPU profiles of such a start) was set up before the
  first AssumeRole. It is now set up once fastify serves, after a first look. This bench runs the
  wrapper, whose report is there before start-up looks, so no figure here shows it.
- **The launcher without its subshell** for a plain absolute \`$0\`, as Lambda starts it (kept; other
  paths are worked out by \`cd\` as before, \`layer/test/build.test.ts\` runs both): spawn of the
  launcher to its \`exec\`, 300 alternated runs each with \`/bin/true\` as the node, 0.23 ms less with
  dash (Debian's sh) and 0.41 ms with bash (Amazon Linux 2023's sh).
- **Regular expressions kept in V8's interpreter longer** (\`--regexp-tier-up-ticks\`): V8 compiles
  a pattern to machine code at its second use, and a run to first credentials and shutdown does so
  82 times (\`--trace-regexp-tier-up\`). The launcher's flag set to 100, then 4 (code caches trained
  under it), step marks of 3 alternated sets of 12 runs each against the layer without it: fastify's
  load and set-up about 4 ms (100) and 6 ms (4) slower, first credentials later. **Not kept.**
- **fastify's \`pluginTimeout: 0\`** (no avvio timer per plugin, which CPU profiles showed): fastify's
  set-up 3.84/4.54/5.07 ms without, 4.27/4.03/5.15 ms with (3 alternated sets of 12): nothing. **Not
  kept.**
- **fastify's 404 router for GET only** (measured, not built): \`ready()\` 0.8 ms shorter (3.09 and
  3.68 against 3.89 and 4.53 ms, two alternated sets of 15), but every other method's unknown path
  would then miss fastify's not-found handler (and its hooks, which answer \`405\`), and replacing the
  68 routes by a default route would skip the router's URL checks (\`400\` for a bad URL). Not worth
  changing fastify's own module for.
- **Where the YAML file's extra goes** (the previous stop found no difference between the two
  configs in sidecar runs through this bench's timer; step marks do): the process's uptime at each
  step, this bench's YAML file against the environment config, 6 alternated sets of 15 runs, from
  \`main\` to the timer's request at the route: 35–44 ms with the environment config, 40–47 ms with
  the file, 2.3–8 ms more in every set. Per set, the file's extra is 0.5–1.1 ms before \`register\`
  (the commented file read by the simple reader), 0.7–1.0 ms in the config step (reading and
  validating two roles with more parameters), 1.1–2.9 ms in sending the first AssumeRoles (a second
  one), and 0.4–2.1 ms in fastify's set-up and before the first request is served, where the
  answers are read. The second role is most of
  it: YAML files of 1, 2 and 5 roles (4 alternated sets of 15): 39.8, 42.5 and 50.2 ms (medians of the
  sets' medians), about 2.6 ms per role, 1.3 ms of it before the requests are out and 0.9 ms between
  the hand-over and the route. CPU profiles of 12 runs each with 1 and 5 roles spread it over node's
  socket and stream code, signing and reading the answers, no part over 0.3 ms per role. Sending the
  other roles' requests after fastify loads would take it off the default role's figure and put it,
  with fastify's load, on the other roles' first credentials: **not done**.
- **The code cache trained on the usual AssumeRole parameters** (\`SourceIdentity\`, \`ExternalId\` and
  \`Tags\` added to the training config, as \`examples/config\` uses them), 3 alternated sets of 15
  runs against the layer without: with this bench's YAML file 0.2–0.6 ms less before \`register\` and
  0.1–0.3 ms less in the config step; with the environment config none measurable. The three caches grow
  by about 10 KB, which would leave the x86_64 layer under 1 KB within the build's 110 MB guard. **Not kept.**`;
}
