// The compile cache of a zip whose node runs on this machine: V8 code for the bundle, made by running
// the layer once per kind of config, so the extension starts without parsing its JavaScript.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { cleanAwsEnv, startProcess } from "../../extension/devkit/processKit.mjs";
import { nodeRunner, runUnderQemu } from "../foreignNode.mjs";
import { filesUnder } from "./layerFiles.mjs";
import { log, run, size } from "./tools.mjs";

/** Where the launcher looks for the compile cache, relative to the layer's root. */
export const COMPILE_CACHE = "credentials-sidecar/compile-cache";

/**
 * Runs the layer's launcher in a scratch copy of the layer, with a configured role but no base
 * credentials, once per kind of config: the extension loads everything it loads in Lambda (its
 * chunks too, for the first AssumeRole), reports Extension.NoBaseCredentials and exits. Node writes the V8 code cache of every
 * module it compiled into the launcher's cache folder, keyed by paths relative to that folder, so
 * it is valid under /opt. Only node of the same version, architecture and V8 flags accepts it; any
 * other compiles as usual.
 * @param {{ arch: string, version: string, files: { name: string, data: Buffer, mode: number }[] }} options
 */
export async function compileCacheFiles({ arch, version, files }) {
  const runner = nodeRunner(arch);
  if (runner.how === undefined) {
    log(`layer-${arch}.zip: its node cannot run here (${runner.reason}): not checked, no compile cache`);
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
    // Under qemu a cache made this way is accepted, but start-up measured the same with and without
    // it (emulating node itself dominates), so the arm64 zip is the same whether or not the building
    // machine has qemu.
    if (runner.how === "qemu") {
      log(`layer-${arch}.zip: its node runs (under qemu); no compile cache`);
      return [];
    }
    const cacheDir = join(stage, COMPILE_CACHE);
    mkdirSync(cacheDir, { recursive: true });
    const base = cleanAwsEnv({
      HOME: stage,
      AWS_REGION: "us-east-1",
      CREDENTIALS_SIDECAR_PORT: "0",
      CREDENTIALS_SIDECAR_RUNTIME_DIR: join(stage, "run"),
      CREDENTIALS_SIDECAR_LOG_LEVEL: "error",
    });
    // Once with a YAML config file, so that the YAML parser's chunk is cached too (Lambda's /opt is
    // read-only: what is not cached here is compiled at every cold start), once with the variables.
    const configFile = join(stage, "compile-cache.yaml");
    writeFileSync(
      configFile,
      "roles:\n  default:\n    RoleArn: arn:aws:iam::123456789012:role/compile-cache\n",
    );
    for (const config of [
      { CREDENTIALS_SIDECAR_CONFIG: configFile },
      { CREDENTIALS_SIDECAR_ROLE_ARN: "arn:aws:iam::123456789012:role/compile-cache" },
    ]) {
      const extension = startProcess({
        command: join(stage, "extensions", "credentials-sidecar"),
        env: { ...base, ...config },
        maxOutputChars: 0,
      });
      await extension.waitForExit(30_000).catch(() => extension.stop());
    }
    const cached = filesUnder(stage, COMPILE_CACHE).map((name) => ({
      name,
      data: readFileSync(join(stage, name)),
      mode: 0o644,
    }));
    const bytes = cached.reduce((sum, file) => sum + file.data.length, 0);
    log(`layer-${arch}.zip: its node runs; compile cache of ${cached.length} modules, ${size(bytes)}`);
    return cached;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
