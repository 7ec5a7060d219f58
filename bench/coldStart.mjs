// 1. Cold start: spawn of the layer's launcher → its `register` call, and → the first credentials
// response, against a timing Runtime API and an STS stand-in that answers at once. Baseline: the
// same node binary running `-e 0` (spawn → exit), interleaved run by run with the subject so
// machine noise hits both alike.
import { spawn } from "node:child_process";
import { startTimingRuntime } from "./lib/mockRuntime.mjs";
import { cpuMsOf, firstCredentials, spawnSidecar } from "./lib/sidecar.mjs";
import { summarize } from "./lib/stats.mjs";

const WARM_UP_RUNS = 2;

export function bareNodeOnce(node) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(node, ["-e", "0"], {
      env: { PATH: process.env.PATH ?? "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.resume();
    child.stderr.resume();
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve(performance.now() - started) : reject(new Error(`node -e 0 exited ${code}`)),
    );
  });
}

/** One cold start, through to a clean SHUTDOWN. */
export async function sidecarColdStartOnce({ launcher, sts, env }) {
  let cpuAtRegister = { main: Number.NaN, all: Number.NaN };
  let pid;
  const runtime = await startTimingRuntime({ onRegister: () => (cpuAtRegister = cpuMsOf(pid)) });
  const sidecar = spawnSidecar({ launcher, sts, runtimeApi: runtime.address, env });
  pid = sidecar.child.pid;
  try {
    const registeredAt = await Promise.race([
      runtime.registered,
      sidecar.exited.then(() =>
        Promise.reject(new Error(`sidecar exited before register:\n${sidecar.output()}`)),
      ),
    ]);
    await sidecar.filesReady();
    const credentials = await firstCredentials(sidecar);
    runtime.shutdown();
    const exit = await sidecar.exited;
    if (exit.code !== 0)
      throw new Error(`sidecar exited ${exit.code ?? exit.signal} on SHUTDOWN:\n${sidecar.output()}`);
    return {
      register: registeredAt - sidecar.spawnedAt,
      credentials: credentials.at - sidecar.spawnedAt,
      cpuAtRegister,
    };
  } finally {
    await sidecar.stop();
    await runtime.close();
  }
}

/**
 * @param {{ launcher: string, node: string, sts: object, runs: number, env?: Record<string, string>,
 *   restoreCompileCache?: () => void, progress?: (line: string) => void }} options
 */
export async function measureColdStart({
  launcher,
  node,
  sts,
  runs,
  env,
  restoreCompileCache = () => {},
  progress = () => {},
}) {
  const baseline = [];
  const register = [];
  const credentials = [];
  const cpuMain = [];
  for (let i = 0; i < WARM_UP_RUNS + runs; i++) {
    // Alternate which goes first, so neither always runs right after the other's teardown.
    const pair = i % 2 === 0 ? [bare, subject] : [subject, bare];
    for (const step of pair) await step(i >= WARM_UP_RUNS);
    if ((i + 1) % 10 === 0) progress(`cold start: ${i + 1 - WARM_UP_RUNS}/${runs}`);
  }
  return {
    baseline: summarize(baseline),
    register: summarize(register),
    credentials: summarize(credentials),
    cpuMain: summarize(cpuMain),
    // Per-run ratios against the neighbouring baseline run: their spread is the ratio's noise.
    registerRatio: summarize(register.map((value, i) => value / baseline[i])),
    credentialsRatio: summarize(credentials.map((value, i) => value / baseline[i])),
  };

  async function bare(keep) {
    const ms = await bareNodeOnce(node);
    if (keep) baseline.push(ms);
  }
  async function subject(keep) {
    const run = await sidecarColdStartOnce({ launcher, sts, env });
    restoreCompileCache();
    if (keep) {
      register.push(run.register);
      credentials.push(run.credentials);
      cpuMain.push(run.cpuAtRegister.main);
    }
  }
}
