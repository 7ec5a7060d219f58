/**
 * The built layer as Lambda sees it: the zip for an architecture (this machine's by default; arm64
 * under qemu-user on x86_64), unzipped into a folder that plays /opt (modes kept), its extension
 * started as Lambda starts it, and function code started through the layer's exec wrapper.
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { type MockRuntimeApi, startMockRuntimeApi } from "../../../extension/src/local/mockRuntimeApi.js";
import {
  type ExtensionProcess,
  REPO_ROOT,
  startExtension,
} from "../../../extension/test/support/extensionProcess.js";
import type { MotoEnvironment } from "../../../extension/test/support/moto.js";
import { runUnderQemu } from "../../foreignNode.mjs";
import { extractEntries, readZip, type ZipEntry } from "../../zip.mjs";

export type LayerArch = "x86_64" | "arm64";
export const LAYER_ARCH: LayerArch = process.arch === "arm64" ? "arm64" : "x86_64";
export const LAYER_NODE_VERSION = "v24.21.0";
export const EXTENSION = "credentials-sidecar";
export const FUNCTION_NAME = "orders-handler";
export const FUNCTION_VERSION = "3";
const BUNDLE = join(REPO_ROOT, "dist", "extension.mjs");
const BUILD_SCRIPT = join(REPO_ROOT, "layer", "build.mjs");
/** Layer entries that come from the working tree, so a zip holding other bytes is stale. */
const SOURCES: Readonly<Record<string, string>> = {
  "credentials-sidecar/extension.mjs": BUNDLE,
  "credentials-sidecar/wrapper": join(REPO_ROOT, "layer", "credentials-sidecar", "wrapper"),
  "extensions/credentials-sidecar": join(REPO_ROOT, "layer", "extensions", "credentials-sidecar"),
};

const execFileAsync = promisify(execFile);

function isCurrent(entries: ZipEntry[]): boolean {
  return Object.entries(SOURCES).every(([name, path]) => {
    const entry = entries.find((candidate) => candidate.name === name);
    return entry?.data.equals(readFileSync(path)) === true;
  });
}

/**
 * The entries of an architecture's layer zip: dist/'s when it holds the current bundle, wrapper and
 * launcher byte for byte (right after `make layer`), else a fresh build into `workDir` (~10 s with the
 * node tarball cached in dist/.cache; ~20 s for arm64, whose stripped node the build runs under qemu).
 */
export async function layerEntries(
  workDir: string,
  arch: LayerArch = LAYER_ARCH,
): Promise<{ entries: ZipEntry[]; zip: string }> {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run \`make layer\` first`);
  const distZip = join(REPO_ROOT, "dist", `layer-${arch}.zip`);
  if (existsSync(distZip)) {
    const entries = readZip(readFileSync(distZip));
    if (isCurrent(entries)) return { entries, zip: distZip };
  }
  const out = join(workDir, `layer-build-${arch}`);
  await execFileAsync(process.execPath, [BUILD_SCRIPT, "--out", out, "--arch", arch], {
    maxBuffer: 1024 * 1024,
  });
  const zip = join(out, `layer-${arch}.zip`);
  return { entries: readZip(readFileSync(zip)), zip };
}

/**
 * Unzips the entries into `dir` the way Lambda unzips layers into /opt: files with their modes. With
 * `qemu`, the arm64 node is made to run under qemu-user in this copy (see layer/foreignNode.mjs): the
 * launcher, the wrapper and everything else stay as shipped.
 */
export function extractLayer(entries: ZipEntry[], dir: string, options: { qemu?: boolean } = {}): string {
  const opt = extractEntries(entries, dir);
  if (options.qemu) runUnderQemu(join(opt, "credentials-sidecar", "bin", "node"));
  return opt;
}

/** What Lambda gives every process in the sandbox, extension and runtime alike. */
export function sandboxEnv(runtime: MockRuntimeApi, moto: MotoEnvironment): Record<string, string> {
  return {
    AWS_LAMBDA_RUNTIME_API: runtime.address,
    AWS_LAMBDA_FUNCTION_NAME: FUNCTION_NAME,
    AWS_LAMBDA_FUNCTION_VERSION: FUNCTION_VERSION,
    AWS_REGION: moto.region,
    AWS_ACCESS_KEY_ID: moto.base.accessKeyId,
    AWS_SECRET_ACCESS_KEY: moto.base.secretAccessKey,
  };
}

export interface LayerExtensionOptions {
  /** The folder playing /opt. */
  readonly opt: string;
  readonly moto: MotoEnvironment;
  /** The function's configuration: variables on top of the sandbox's. */
  readonly functionConfig: Record<string, string>;
  readonly port?: number;
  /** How long register and the first INVOKE may take (default: the mock Runtime API's 10 s). */
  readonly timeoutMs?: number;
}

/**
 * Starts `<opt>/extensions/credentials-sidecar` as Lambda would against a fresh mock Runtime API and
 * waits until the first INVOKE is done. The caller closes the runtime and kills the extension.
 */
export async function startLayerExtension(
  options: LayerExtensionOptions,
): Promise<{ runtime: MockRuntimeApi; sidecar: ExtensionProcess }> {
  const runtime = await startMockRuntimeApi({
    functionName: FUNCTION_NAME,
    functionVersion: FUNCTION_VERSION,
  });
  let sidecar: ExtensionProcess | undefined;
  try {
    sidecar = await startExtension({
      command: [join(options.opt, "extensions", EXTENSION)],
      ...(options.port === undefined ? {} : { port: options.port }),
      env: {
        ...sandboxEnv(runtime, options.moto),
        // moto plays STS; a real function would not set this.
        AWS_ENDPOINT_URL_STS: options.moto.endpoint,
        ...options.functionConfig,
      },
    });
    await runtime.waitForRegistered(EXTENSION, options.timeoutMs);
    runtime.invoke({ hello: "layer" });
    await runtime.waitForIdle(EXTENSION, options.timeoutMs);
    return { runtime, sidecar };
  } catch (error) {
    sidecar?.kill();
    await runtime.close();
    if (sidecar) rmSync(dirname(sidecar.runtimeDir), { recursive: true, force: true });
    throw new Error(`${(error as Error).message}\nextension output:\n${sidecar?.output() ?? ""}`);
  }
}

export interface FunctionRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command with exactly `env` (build it with clientEnv()), optionally through the layer's exec
 * wrapper as Lambda does with AWS_LAMBDA_EXEC_WRAPPER: `<opt>/credentials-sidecar/wrapper <command...>`.
 */
export function runFunction(
  command: readonly string[],
  env: Record<string, string>,
  wrapper?: string,
): Promise<FunctionRun> {
  const argv = wrapper === undefined ? [...command] : [wrapper, ...command];
  const [program, ...args] = argv;
  if (program === undefined) throw new Error("runFunction: empty command");
  return new Promise((resolve) => {
    execFile(
      program,
      args,
      { env, cwd: "/", timeout: 30_000, killSignal: "SIGKILL" },
      (error, stdout, stderr) => {
        const exitCode = error === null ? 0 : typeof error.code === "number" ? error.code : null;
        resolve({
          exitCode,
          stdout,
          stderr: error !== null && exitCode === null ? `${stderr}${error}` : stderr,
        });
      },
    );
  });
}

/** The last line a function run printed, parsed; throws with its output when it failed. */
export function lastJsonLine<T>(run: FunctionRun): T {
  const last = run.stdout.trim().split("\n").pop() ?? "";
  if (run.exitCode !== 0)
    throw new Error(`function code exited ${run.exitCode}:\n${run.stderr}${run.stdout}`);
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`function code printed no JSON line:\n${run.stdout}\n${run.stderr}`);
  }
}
