// The code cache of a zip whose node runs on this machine: V8's code for start-up's bundles,
// made by running start-up once as on Lambda, so the extension starts without compiling its JavaScript.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { cleanAwsEnv, startProcess } from "../../extension/devkit/processKit.mjs";
import { mockRuntimeApiModule, stsStandInModule } from "../../extension/devkit/sourceModules.mjs";
import { nodeRunner, runUnderQemu } from "../foreignNode.mjs";
import { filesUnder } from "./layerFiles.mjs";
import { log, run, size } from "./tools.mjs";

/** Where extension/src/platform/cachedScript.ts looks for a bundle's code cache, in the layer. */
export const CODE_CACHE = "credentials-sidecar/code-cache";
/** The bundles start-up runs, each with the code cache the training run takes of it. */
const TRAINED_BUNDLES = ["beforeRegister.cjs", "afterRegister.cjs", "parseYaml.cjs"].map(
  (bundle) => `credentials-sidecar/chunks/${bundle}`,
);
/** Bounds on the training run's steps: generous, for a node emulated by qemu-user. */
const TRAINING_WAIT_MS = 120_000;
const TRAINING_HOOK = fileURLToPath(new URL("./codeCacheTraining.cjs", import.meta.url));

/**
 * V8's code for start-up's bundles (before and after `register`, and the YAML parser's), made in a
 * scratch copy of the layer by running start-up as on Lambda (trainingRun) and taken by the training
 * hook once credentials were served, so that it holds every function start-up ran
 * (platform/cachedScript.ts checks it against the bundle before V8 sees it). Only node of the same
 * version, architecture and V8 flags accepts it; any other compiles as usual. (Node's own compile
 * cache is not used: it keeps only what V8 compiles eagerly.)
 * @param {{ arch: string, version: string, files: { name: string, data: Buffer, mode: number }[] }} options
 */
export async function codeCacheFiles({ arch, version, files }) {
  const runner = nodeRunner(arch);
  const trained = TRAINED_BUNDLES.every((bundle) => files.some((file) => file.name === bundle));
  if (runner.how === undefined) {
    log(`layer-${arch}.zip: its node cannot run here (${runner.reason}): not checked, no code cache`);
    return [];
  }
  const stage = mkdtempSync(join(tmpdir(), "credentials-sidecar-cache-"));
  try {
    for (const { name, data, mode } of files) {
      mkdirSync(dirname(join(stage, name)), { recursive: true });
      writeFileSync(join(stage, name), data);
      chmodSync(join(stage, name), mode);
    }
    const node = join(stage, "credentials-sidecar", "bin", "node");
    if (runner.how === "qemu") runUnderQemu(node);
    // The stripped binary must still run: checked before anything is cached with it.
    const expected = `v${version} ${arch === "x86_64" ? "x64" : arch}`;
    const ran = run(node, ["-p", "process.version + ' ' + process.arch"], { env: {} }).trim();
    if (ran !== expected)
      throw new Error(`layer-${arch}.zip: its node printed "${ran}", expected "${expected}"`);
    // Under qemu-user (an x86_64 machine building the arm64 zip) the training runs the arm64 node
    // emulated: its cache holds bytecode, not machine code, and is checked by V8 against the node's
    // version and flags, which are those of the real thing (layer/test/arm64.test.ts runs the zip
    // and checks that its node takes it). Where qemu is missing, the arm64 zip has no cache.
    // A stand-in bundle without start-up's bundles (the build tests') has nothing to train.
    if (!trained) {
      log(`layer-${arch}.zip: its node runs; no ${TRAINED_BUNDLES.join(" and ")} to make a code cache for`);
      return [];
    }
    await trainingRun(stage, trainingShim(stage, node));
    const cached = filesUnder(stage, CODE_CACHE).map((name) => ({
      name,
      data: readFileSync(join(stage, name)),
      mode: 0o644,
    }));
    const bytes = cached.reduce((sum, file) => sum + file.data.length, 0);
    if (cached.length !== TRAINED_BUNDLES.length)
      throw new Error(
        `layer-${arch}.zip: the training run left ${cached.length} code caches in ${CODE_CACHE}, not ${TRAINED_BUNDLES.length}`,
      );
    log(`layer-${arch}.zip: its node runs; code cache of ${cached.length} bundle(s), ${size(bytes)}`);
    return cached;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/** Node with the training hook preloaded, for the launcher to exec (CREDENTIALS_SIDECAR_NODE). */
function trainingShim(stage, node) {
  const shim = join(stage, "training-node");
  writeFileSync(shim, `#!/bin/sh\nexec '${node}' --require '${TRAINING_HOOK}' "$@"\n`);
  chmodSync(shim, 0o755);
  return shim;
}

/**
 * One start-up as on Lambda, so that what is cached is what runs there: the layer's launcher against
 * the dev kit's Runtime API and STS stand-in, the execution role's keys in its environment, a YAML
 * config of two roles (the simple reader, the YAML library and the validator run too). Once init is
 * done, one request for credentials (the serving path), then SHUTDOWN; it must exit 0.
 */
async function trainingRun(stage, trainingNode) {
  const [{ startMockRuntimeApi }, { startStsStandIn }] = await Promise.all([
    mockRuntimeApiModule(),
    stsStandInModule(),
  ]);
  const runtime = await startMockRuntimeApi({ functionName: "code-cache" });
  const sts = await startStsStandIn();
  const configFile = join(stage, "code-cache.yaml");
  writeFileSync(
    configFile,
    [
      // As in examples/config: a comment the default role's line-by-line pre-scan cannot read (an
      // apostrophe), so the simple reader runs before `register` too, and is cached there.
      "# The function's roles.",
      "default: reader",
      "roles:",
      "  reader:",
      `    RoleArn: arn:aws:iam::${sts.accountId}:role/reader`,
      "  writer:",
      `    RoleArn: arn:aws:iam::${sts.accountId}:role/writer`,
      // 900 in hex: the simple reader (extension/src/config/simpleYaml.ts) reads every line before
      // it and leaves this one, so the file is read by the YAML library too, and both are cached.
      "    DurationSeconds: 0x384",
      "",
    ].join("\n"),
  );
  const runtimeDir = join(stage, "run");
  const extension = startProcess({
    command: join(stage, "extensions", "credentials-sidecar"),
    env: cleanAwsEnv({
      HOME: stage,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: sts.base.accessKeyId,
      AWS_SECRET_ACCESS_KEY: sts.base.secretAccessKey,
      AWS_ENDPOINT_URL_STS: sts.endpoint,
      AWS_LAMBDA_RUNTIME_API: runtime.address,
      AWS_LAMBDA_FUNCTION_NAME: "code-cache",
      CREDENTIALS_SIDECAR_CONFIG: configFile,
      CREDENTIALS_SIDECAR_PORT: "0",
      CREDENTIALS_SIDECAR_RUNTIME_DIR: runtimeDir,
      CREDENTIALS_SIDECAR_LOG_LEVEL: "error",
      CREDENTIALS_SIDECAR_NODE: trainingNode,
    }),
    name: "the training run",
  });
  try {
    // Init done: waiting in event/next. Should it exit instead, that is the failure to report.
    await Promise.race([
      runtime.waitForIdle("credentials-sidecar", TRAINING_WAIT_MS),
      extension.exited.then((exit) => {
        throw new Error(`exited ${exit.code ?? exit.signal} during init`);
      }),
    ]);
    const token = readFileSync(join(runtimeDir, "token"), "utf8");
    const rolesUrl = readFileSync(join(runtimeDir, "roles-url"), "utf8");
    const answer = await fetch(`${rolesUrl}reader`, { headers: { authorization: token } });
    if (answer.status !== 200)
      throw new Error(`the training run answered ${answer.status}: ${await answer.text()}`);
    extension.child.kill("SIGUSR2");
    await extension.waitForOutput(
      new RegExp(`training hook: wrote ${TRAINED_BUNDLES.length} code cache`),
      TRAINING_WAIT_MS,
    );
    runtime.shutdown();
    const exit = await extension.waitForExit(TRAINING_WAIT_MS);
    if (exit.code !== 0) throw new Error(`exited ${exit.code ?? exit.signal}`);
  } catch (error) {
    throw new Error(
      `the training run failed: ${error instanceof Error ? error.message : error}\n${extension.output()}`,
    );
  } finally {
    await extension.kill();
    await runtime.close();
    await sts.close();
  }
}
