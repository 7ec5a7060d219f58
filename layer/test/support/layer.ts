/**
 * The built layer as Lambda sees it: the zip for an architecture (this machine's by default; arm64
 * under qemu-user on x86_64), unzipped into a folder that plays /opt (modes kept), and function code
 * started through the layer's exec wrapper. Starting its extension in a sandbox: sandbox.ts.
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT } from "../../../extension/test/support/extensionProcess.js";
import { type MotoEnvironment, startMoto } from "../../../extension/test/support/moto.js";
import { runUnderQemu } from "../../foreignNode.mjs";
import { extractEntries, readZip, type ZipEntry } from "../../zip.mjs";

export type LayerArch = "x86_64" | "arm64";
export const LAYER_ARCH: LayerArch = process.arch === "arm64" ? "arm64" : "x86_64";
export const LAYER_NODE_VERSION = "v24.21.0";
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
  // The bundles under chunks/ too: the after-`register` code changes without the entry changing.
  const chunks = readdirSync(join(REPO_ROOT, "dist", "chunks")).map((file) => [
    `credentials-sidecar/chunks/${file}`,
    join(REPO_ROOT, "dist", "chunks", file),
  ]);
  const shippedChunks = entries.filter(
    (e) => e.name.startsWith("credentials-sidecar/chunks/") && !e.isDirectory,
  );
  return (
    shippedChunks.length === chunks.length &&
    [...Object.entries(SOURCES), ...chunks].every(([name, path]) => {
      const entry = entries.find((candidate) => candidate.name === name);
      return entry?.data.equals(readFileSync(path as string)) === true;
    })
  );
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
    const entries = await readZip(readFileSync(distZip));
    if (isCurrent(entries)) return { entries, zip: distZip };
  }
  const out = join(workDir, `layer-build-${arch}`);
  await execFileAsync(process.execPath, [BUILD_SCRIPT, "--out", out, "--arch", arch], {
    maxBuffer: 1024 * 1024,
  });
  const zip = join(out, `layer-${arch}.zip`);
  return { entries: await readZip(readFileSync(zip)), zip };
}

/**
 * The layer's entries (layerEntries) and moto, started side by side: a layer build when dist/ is
 * stale and moto's start-up take seconds each. Whichever fails is thrown; moto is stopped first when
 * it was the layer.
 */
export async function layerBesideMoto(
  workDir: string,
  arch: LayerArch = LAYER_ARCH,
): Promise<{ layer: { entries: ZipEntry[]; zip: string }; moto: MotoEnvironment }> {
  const [layer, started] = await Promise.allSettled([layerEntries(workDir, arch), startMoto()]);
  if (layer.status === "rejected") {
    if (started.status === "fulfilled") await started.value.stop();
    throw layer.reason;
  }
  if (started.status === "rejected") throw started.reason;
  return { layer: layer.value, moto: started.value };
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
