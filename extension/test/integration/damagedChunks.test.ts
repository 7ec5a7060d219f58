/**
 * A damaged deployment: each file of the BUILT layer's chunks/ that start-up loads lazily (after the
 * entry), missing or truncated in turn, run on the layer's node against the mock Runtime API. Whatever
 * file it is, the process must report `init/error`, remove the runtime files it wrote before
 * `register`, and exit 1 (issue 19 §2: the crash path once left the token behind). A damaged code
 * cache is not fatal: start-up compiles the bundle instead, and says so.
 *
 * Which files start-up loads is read, not guessed: a control run of the undamaged layer records every
 * file under chunks/ it reads (the bundles are read and run as scripts, platform/cachedScript.ts).
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extractLayer, layerEntries } from "../../../layer/test/support/layer.js";
import { type MockRuntimeApi, startMockRuntimeApi } from "../../devkit/mockRuntimeApi/mockRuntimeApi.js";
import { type StsStandIn, startStsStandIn } from "../../devkit/stsStandIn/stsStandIn.js";
import { type ExtensionProcess, startExtension } from "../support/extensionProcess.js";
import { baseEnv, roleArn, rolesConfig } from "../support/sidecarUnderFaults.js";

const EXTENSION = "credentials-sidecar";
const RUNTIME_FILES = ["token", "roles-url", "default-role"];

let work = "";
let opt = "";
let layerNode = "";
let sts: StsStandIn;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "damaged-chunks-"));
  const { entries } = await layerEntries(work);
  opt = extractLayer(entries, join(work, "opt"));
  layerNode = join(opt, "credentials-sidecar", "bin", "node");
  sts = await startStsStandIn();
}, 120_000);
afterAll(async () => {
  await sts?.close();
  if (work !== "") rmSync(work, { recursive: true, force: true });
});

const CONFIGS = {
  environment: () => ({ CREDENTIALS_SIDECAR_ROLE_ARN: roleArn(sts, "reader") }),
  yaml: () => {
    const path = join(work, "config.yaml");
    writeFileSync(path, rolesConfig(sts, { audit: undefined }));
    return { CREDENTIALS_SIDECAR_CONFIG: path };
  },
} as const;
type ConfigName = keyof typeof CONFIGS;

function lambdaEnv(mock: MockRuntimeApi, config: ConfigName, extra: Record<string, string> = {}) {
  return baseEnv(sts, {
    AWS_LAMBDA_RUNTIME_API: mock.address,
    AWS_CONFIG_FILE: "/nonexistent",
    ...CONFIGS[config](),
    ...extra,
  });
}

const chunksDir = () => join(opt, "credentials-sidecar", "chunks");
const entryFile = () => join(opt, "credentials-sidecar", "extension.mjs");

/** Records every file under chunks/ the process reads into $CHUNK_LOG (and any module it imports). */
const RECORD_LOADS = `data:text/javascript,${encodeURIComponent(
  `import fs from "node:fs"; import { registerHooks, syncBuiltinESMExports } from "node:module";
const note = (path) => { path = String(path); if (path.includes("/chunks/")) fs.appendFileSync(process.env.CHUNK_LOG, path.slice(path.lastIndexOf("/") + 1) + "\\n"); };
const readFileSync = fs.readFileSync;
fs.readFileSync = function (path, ...rest) { note(path); return readFileSync.call(this, path, ...rest); };
syncBuiltinESMExports();
registerHooks({ load(url, context, nextLoad) { note(url); return nextLoad(url, context); } });`,
)}`;

async function run(config: ConfigName, extra: Record<string, string> = {}, nodeArgs: string[] = []) {
  const mock = await startMockRuntimeApi();
  const sidecar = await startExtension({
    env: lambdaEnv(mock, config, extra),
    command: [layerNode, ...nodeArgs, entryFile()],
  });
  return { mock, sidecar };
}

function filesLeft(sidecar: ExtensionProcess): string[] {
  return RUNTIME_FILES.filter((name) => existsSync(join(sidecar.runtimeDir, name)));
}

/** The chunks start-up loads after the entry, per config: from an undamaged control run. */
async function lazilyLoaded(config: ConfigName): Promise<string[]> {
  const log = join(work, `loaded-${config}.txt`);
  writeFileSync(log, "");
  const { mock, sidecar } = await run(config, { CHUNK_LOG: log }, [`--import=${RECORD_LOADS}`]);
  try {
    await mock.waitForRegistered(EXTENSION);
    await mock.waitForIdle(EXTENSION, 15_000); // init done: the extension waits in event/next
    mock.shutdown();
    expect((await sidecar.exited()).code).toBe(0);
  } finally {
    sidecar.kill();
    await mock.close();
  }
  return [...new Set(readFileSync(log, "utf8").split("\n").filter(Boolean))].sort();
}

const DAMAGES = {
  missing: (path: string) => rmSync(path),
  truncated: (path: string) =>
    writeFileSync(path, readFileSync(path).subarray(0, Math.floor(readFileSync(path).length / 2))),
} as const;

describe.each(Object.keys(CONFIGS) as ConfigName[])("a damaged chunk, %s config", (config) => {
  it("reports init/error, removes the runtime files and exits 1, for every lazily loaded chunk, missing or truncated", async () => {
    const chunks = await lazilyLoaded(config);
    // Control: start-up's own bundle is among them, so the damage below really hits.
    expect(chunks).toContain("afterRegister.cjs");

    for (const chunk of chunks) {
      for (const [damage, apply] of Object.entries(DAMAGES)) {
        const path = join(chunksDir(), chunk);
        const pristine = join(work, `${basename(path)}.pristine`);
        copyFileSync(path, pristine);
        apply(path);
        const { mock, sidecar } = await run(config);
        try {
          const error = await mock.waitForError(15_000);
          const exit = await sidecar.exited();
          const what = `${chunk} ${damage}`;
          expect(error.route, what).toBe("init/error");
          expect(error.errorType, what).toBe("Extension.Crashed");
          expect(exit.code, what).toBe(1);
          expect(filesLeft(sidecar), what).toEqual([]);
        } finally {
          sidecar.kill();
          await mock.close();
          copyFileSync(pristine, path);
        }
      }
    }
  }, 300_000);
});

const launcher = () => join(opt, "extensions", "credentials-sidecar");
const codeCacheFile = () => join(opt, "credentials-sidecar", "code-cache", "afterRegister.cjs.v8");
type CodeCacheUse = "accepted" | "rejected" | "mismatched" | "none";

/** Starts the layer as Lambda does (its launcher, or `command`), waits for init, asks for credentials. */
async function codeCacheUse(command: string[] = [launcher()]): Promise<CodeCacheUse | undefined> {
  const mock = await startMockRuntimeApi();
  const sidecar = await startExtension({
    env: lambdaEnv(mock, "yaml", { CREDENTIALS_SIDECAR_LOG_LEVEL: "debug" }),
    command,
  });
  try {
    await mock.waitForIdle(EXTENSION, 15_000); // init done, credentials of every role included
    const answer = await fetch(`http://127.0.0.1:${sidecar.port}/roles/reader`, {
      headers: { authorization: readFileSync(join(sidecar.runtimeDir, "token"), "utf8") },
    });
    expect(answer.status).toBe(200);
    mock.shutdown();
    expect((await sidecar.exited()).code).toBe(0);
    return sidecar.logs.find((line) => line.event === "code-cache")?.cache as CodeCacheUse | undefined;
  } finally {
    sidecar.kill();
    await mock.close();
  }
}

// The layer whose node runs on this machine carries the code cache its build made (layer/build/codeCache.mjs).
describe("the start-up bundle's code cache", () => {
  it("is used when the layer starts through its launcher", async () => {
    expect(existsSync(codeCacheFile())).toBe(true);
    expect(await codeCacheUse()).toBe("accepted");
  }, 60_000);

  // V8 hashes most of its flags into the cache (not the heap sizes the launcher sets): a node started
  // with another, as a function's own flags would do, refuses it.
  it("is refused by V8 under other V8 flags (--no-opt): start-up compiles and says so", async () => {
    expect(await codeCacheUse([layerNode, "--no-opt", entryFile()])).toBe("rejected");
  }, 60_000);

  it.each([
    ["truncated", (data: Buffer) => data.subarray(0, data.length >> 1), "mismatched"],
    [
      "with a flipped byte",
      (data: Buffer) => Buffer.from(data).fill((data.at(-1) ?? 0) ^ 1, data.length - 1),
      "mismatched",
    ],
    ["missing", undefined, "none"],
  ] as const)(
    "%s, is not used: start-up compiles the bundle and serves",
    async (_, damage, expected) => {
      const pristine = readFileSync(codeCacheFile());
      if (damage === undefined) rmSync(codeCacheFile());
      else writeFileSync(codeCacheFile(), damage(pristine));
      try {
        expect(await codeCacheUse()).toBe(expected);
      } finally {
        writeFileSync(codeCacheFile(), pristine);
      }
    },
    60_000,
  );
});
