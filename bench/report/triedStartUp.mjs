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
  (the profile also showed the entry's realpath): 32.3 against 33.2 ms, 15 runs: nothing. Not kept.`;
}
