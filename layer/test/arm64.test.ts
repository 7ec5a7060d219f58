/**
 * The arm64 layer end to end on an x86_64 machine: layer-arm64.zip unzipped into a folder playing
 * /opt, its launcher starting its own (stripped) arm64 node under qemu-user against the mock Runtime
 * API, roles assumed in moto, and SDK clients (boto3, JS SDK v3) started through the layer's exec
 * wrapper. Only the node binary is emulated; the launcher, the wrapper and the clients run natively.
 * The same checks for this machine's own architecture are in e2e.test.ts.
 */
import { existsSync, mkdtempSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MockRuntimeApi } from "../../extension/devkit/mockRuntimeApi/mockRuntimeApi.js";
import {
  CLIENT_KINDS,
  CLIENT_SCRIPTS,
  type ClientKind,
  clientEnv,
  type WhoamiResult,
  whoamiEnv,
} from "../../extension/test/support/clients.js";
import type { ExtensionProcess } from "../../extension/test/support/extensionProcess.js";
import type { MotoEnvironment } from "../../extension/test/support/moto.js";
import { hostArch, nodeRunner } from "../foreignNode.mjs";
import {
  extractLayer,
  LAYER_NODE_VERSION,
  lastJsonLine,
  layerBesideMoto,
  runFunction,
} from "./support/layer.js";
import { assumedRole, Sandboxes, sandboxEnv } from "./support/sandbox.js";

/** Why this file cannot run here, if it cannot. */
function skipReason(): string | undefined {
  if (hostArch() === "arm64") return "this machine is arm64: e2e.test.ts runs the arm64 layer natively";
  const runner = nodeRunner("arm64");
  return runner.how === undefined ? runner.reason : undefined;
}
const SKIP = skipReason();
const title = (what: string) => (SKIP === undefined ? what : `${what} (SKIPPED: ${SKIP})`);

// qemu-user takes ~2 s to start node and runs it several times slower than native: bounded, generous.
const QEMU_WAIT_MS = 60_000;

let work: string;
let opt: string;
let moto: MotoEnvironment;
let runtime: MockRuntimeApi;
let sidecar: ExtensionProcess;
const sandboxes = new Sandboxes();

/** The interpreter a runtime would start: python3 for Python, this machine's node for nodejs*. */
const interpreter = (kind: ClientKind) => (kind === "python" ? "python3" : process.execPath);

describe.skipIf(SKIP !== undefined)(title("layer-arm64.zip under qemu-user"), () => {
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "layer-arm64-"));
    const started = await layerBesideMoto(work, "arm64");
    moto = started.moto;
    opt = extractLayer(started.layer.entries, join(work, "opt"), { qemu: true });

    const config = join(work, "credentials-sidecar.yaml");
    // In flow style, which the simple reader leaves to the YAML library: its bundle and cache run too.
    writeFileSync(config, `roles:\n  reader: { RoleArn: "${moto.roles.reader}" }\n`);
    ({ runtime, sidecar } = await sandboxes.start(
      opt,
      moto,
      // At debug level the extension says whether its code cache was used (startup/restBundle.ts).
      { CREDENTIALS_SIDECAR_CONFIG: config, CREDENTIALS_SIDECAR_LOG_LEVEL: "debug" },
      { timeoutMs: QEMU_WAIT_MS },
    ));
  }, 240_000); // a layer build when dist/ is stale, moto, then the extension's start under qemu

  afterAll(async () => {
    await Promise.all([sandboxes.closeAll(), moto?.stop()]);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("runs the extension with the layer's arm64 node, emulated", () => {
    expect(sidecar.logs[0]?.event).toBe("start");
    expect(sidecar.logs[0]?.node).toBe(LAYER_NODE_VERSION);
    // The launcher exec'd the layer's bin/node, which exec'd qemu: the process is qemu running it.
    expect(readlinkSync(`/proc/${sidecar.child.pid}/exe`)).toMatch(/\/qemu-aarch64(-static)?$/);
  });

  // The build made the cache by running this node under qemu too (layer/build/codeCache.mjs): V8 checks
  // it against its own version and flags, and takes it.
  it("runs its start-up bundles with the code caches the build made for the arm64 node", () => {
    const bundles = ["beforeRegister.cjs", "afterRegister.cjs", "parseYaml.cjs"];
    for (const bundle of bundles)
      expect(existsSync(join(opt, "credentials-sidecar", "code-cache", `${bundle}.v8`))).toBe(true);
    const used = sidecar.logs.filter((line) => line.event === "code-cache");
    expect(used.map((line) => [line.bundle, line.cache])).toEqual(bundles.map((b) => [b, "accepted"]));
  });

  it.each(CLIENT_KINDS)(
    "%s code through the wrapper acts as the role",
    async (kind) => {
      const env = clientEnv({
        ...sandboxEnv(runtime, moto),
        ...whoamiEnv(moto),
        CREDENTIALS_SIDECAR_RUNTIME_DIR: sidecar.runtimeDir,
      });
      const run = await runFunction(
        [interpreter(kind), CLIENT_SCRIPTS[kind]],
        env,
        join(opt, "credentials-sidecar", "wrapper"),
      );

      const result = lastJsonLine<WhoamiResult>(run);
      expect(result.arn).toMatch(assumedRole(moto, "reader"));
      expect(result.dynamodb).toBe("allowed");
      expect(result.s3).toBe("denied:AccessDenied");
    },
    QEMU_WAIT_MS,
  );

  // Lambda's 2 s shutdown budget is checked natively in e2e.test.ts; under emulation only the outcome.
  it("exits 0 on SHUTDOWN", async () => {
    runtime.shutdown();
    const exit = await sidecar.exited(QEMU_WAIT_MS);

    expect(exit.code).toBe(0);
  });
});
