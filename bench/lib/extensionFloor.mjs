// The extension floor of first credentials: bench/timer/floor.cjs as a Lambda extension
// (FLOOR_AS=extension: it writes its register request first, then serves through fastify), bundled
// as the layer bundles fastify (extension/build.mjs) and run as a vm.Script with a V8 code cache
// trained through first credentials (bench/timer/cachedRunner.cjs), as the layer runs its bundles.
// The cold-start timer runs it beside the plain floor: what any extension that registers and serves
// through fastify pays before its first answer, without config or the rest of the sidecar.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleLikeTheLayer } from "../../extension/build.mjs";
import { portFromRuntimeDir, startProcess } from "../../extension/devkit/processKit.mjs";
import { mockRuntimeApiModule } from "../../extension/devkit/sourceModules.mjs";
import { sidecarEnv } from "./sidecar.mjs";

const FLOOR = fileURLToPath(new URL("../timer/floor.cjs", import.meta.url));
const RUNNER = fileURLToPath(new URL("../timer/cachedRunner.cjs", import.meta.url));
const TRAINING_WAIT_MS = 30_000;

/**
 * Builds and trains the extension floor for `node` (the layer's) against `sts`.
 * @param {{ node: string, sts: { endpoint: string, base: { accessKeyId: string, secretAccessKey: string } }, roleArn: string }} options
 * @returns {Promise<{ command: string[], env: Record<string, string>, close(): void }>} what the
 *   timer runs (plus the floor's usual environment) and the cleanup of its files
 */
export async function prepareExtensionFloor({ node, sts, roleArn }) {
  const dir = mkdtempSync(join(tmpdir(), "sidecar-bench-extension-floor-"));
  const close = () => rmSync(dir, { recursive: true, force: true });
  try {
    const bundle = join(dir, "floor.cjs");
    const cache = join(dir, "floor.cjs.v8");
    await bundleLikeTheLayer({ entry: FLOOR, outfile: bundle });
    const command = [node, RUNNER, bundle, cache];
    const env = { FLOOR_AS: "extension" };
    await train({ sts, roleArn, dir, command, env });
    if (!existsSync(cache)) throw new Error("the extension floor's training run wrote no code cache");
    return { command, env, close };
  } catch (error) {
    close();
    throw error;
  }
}

/** One run through first credentials, then SIGTERM: the runner writes the cache as it exits. */
async function train({ sts, roleArn, dir, command, env }) {
  const { startMockRuntimeApi } = await mockRuntimeApiModule();
  const runtime = await startMockRuntimeApi({ functionName: "bench" });
  try {
    await trainAgainst(runtime.address, { sts, roleArn, dir, command, env });
  } finally {
    await runtime.close();
  }
}

async function trainAgainst(runtimeApi, { sts, roleArn, dir, command, env }) {
  const runtimeDir = join(dir, "run");
  const floor = startProcess({
    command: command[0],
    args: command.slice(1),
    env: sidecarEnv(
      { sts, roleArn },
      {
        ...env,
        FLOOR_TRAIN: "1",
        HOME: dir,
        CREDENTIALS_SIDECAR_RUNTIME_DIR: runtimeDir,
        AWS_LAMBDA_RUNTIME_API: runtimeApi,
      },
    ),
    name: "the extension floor (training)",
  });
  const deadline = Date.now() + TRAINING_WAIT_MS;
  // The floor writes no line to wait on: its roles-url is its signal, as for the timer.
  let port = portFromRuntimeDir(runtimeDir);
  while (port === undefined) {
    if (floor.exitStatus() !== undefined || Date.now() > deadline)
      throw new Error(`the extension floor wrote no roles-url: ${floor.output().slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
    port = portFromRuntimeDir(runtimeDir);
  }
  const response = await fetch(`http://127.0.0.1:${port}/roles/default`);
  const text = await response.text();
  if (response.status !== 200 || !text.includes('"AccessKeyId"'))
    throw new Error(`the extension floor answered ${response.status}: ${text.slice(0, 300)}`);
  const exit = await floor.stop();
  if (exit.code !== 0)
    throw new Error(`the extension floor exited ${exit.code}: ${floor.output().slice(-2000)}`);
}
