/**
 * A damaged deployment: each file of the BUILT layer's chunks/ that start-up loads lazily (after the
 * entry's bundle), missing or truncated in turn, run on the layer's node against the mock Runtime API.
 * Whatever file it is, the process must report `init/error`, remove the runtime files it wrote before
 * `register`, and exit 1 (issue 19 §2: the crash path once left the token behind). The entry's own
 * bundle (chunks/beforeRegister.cjs) damaged, nothing can be reported (there is no `register` yet):
 * the process exits 1 naming the file, having written nothing. A damaged code cache is not fatal:
 * start-up compiles the bundle instead, and says so.
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
  // A role in flow style: the simple reader (config/simpleYaml.ts) leaves the file to the YAML library.
  "yaml-library": () => {
    const path = join(work, "config-flow.yaml");
    writeFileSync(path, `${rolesConfig(sts)}  audit: { RoleArn: "${roleArn(sts, "audit")}" }\n`);
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

/** The entry's bundle: read first, before anything else runs. */
const ENTRY_BUNDLE = "beforeRegister.cjs";

/** The chunks start-up loads after the entry's bundle, per config: from an undamaged control run. */
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
  const read = [...new Set(readFileSync(log, "utf8").split("\n").filter(Boolean))].sort();
  // Control: the recording sees the entry's bundle too, which is read before anything can report.
  expect(read).toContain(ENTRY_BUNDLE);
  return read.filter((chunk) => chunk !== ENTRY_BUNDLE);
}

const DAMAGES = {
  missing: (path: string) => rmSync(path),
  truncated: (path: string) =>
    writeFileSync(path, readFileSync(path).subarray(0, Math.floor(readFileSync(path).length / 2))),
} as const;

// The YAML library is a bundle of its own (extension/build.mjs, SEPARATE_BUNDLES), so that a config
// that does not need it (environment variables, a file the simple reader reads) does not read or
// deserialise it at every cold start.
it("reads the YAML library's chunk only for a file the simple reader leaves to it", async () => {
  expect(await lazilyLoaded("yaml-library")).toContain("parseYaml.cjs");
  for (const config of ["yaml", "environment"] as const) {
    const chunks = await lazilyLoaded(config);
    expect(chunks).toContain("afterRegister.cjs");
    expect(chunks).not.toContain("parseYaml.cjs");
  }
}, 60_000);

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

describe("the entry's bundle, damaged", () => {
  it.each(Object.entries(DAMAGES))(
    "%s: the process exits 1 before register, naming the file, and writes no runtime file",
    async (_, apply) => {
      const path = join(chunksDir(), ENTRY_BUNDLE);
      const pristine = readFileSync(path);
      apply(path);
      const { mock, sidecar } = await run("environment");
      try {
        const exit = await sidecar.exited();
        expect(exit.code).toBe(1);
        expect(sidecar.output()).toContain(path);
        // Nothing registered: the process is gone, so only a request already in flight could still
        // arrive, which the bounded wait would see.
        await expect(mock.waitForRegistered(EXTENSION, 500)).rejects.toThrow(/register/);
        expect(filesLeft(sidecar)).toEqual([]);
      } finally {
        sidecar.kill();
        await mock.close();
        writeFileSync(path, pristine);
      }
    },
    60_000,
  );
});

const launcher = () => join(opt, "extensions", "credentials-sidecar");
// With codeCacheUse's config (one the YAML library reads), its bundle runs too, with its own cache.
const BUNDLES = [ENTRY_BUNDLE, "afterRegister.cjs", "parseYaml.cjs"] as const;
const codeCacheFile = (bundle: string) => join(opt, "credentials-sidecar", "code-cache", `${bundle}.v8`);
type CodeCacheUse = "accepted" | "rejected" | "mismatched" | "none";

/**
 * Starts the layer as Lambda does (its launcher, or `command`), waits for init, asks for credentials:
 * what became of each bundle's code cache, as logged.
 */
async function codeCacheUse(command: string[] = [launcher()]): Promise<Record<string, CodeCacheUse>> {
  const mock = await startMockRuntimeApi();
  const sidecar = await startExtension({
    env: lambdaEnv(mock, "yaml-library", { CREDENTIALS_SIDECAR_LOG_LEVEL: "debug" }),
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
    const lines = sidecar.logs.filter((line) => line.event === "code-cache");
    return Object.fromEntries(lines.map((line) => [String(line.bundle), line.cache as CodeCacheUse]));
  } finally {
    sidecar.kill();
    await mock.close();
  }
}

const allBundles = (use: CodeCacheUse) => Object.fromEntries(BUNDLES.map((bundle) => [bundle, use]));

// The layer whose node runs on this machine carries the code caches its build made
// (layer/build/codeCache.mjs): one for the entry's bundle, one for the rest of start-up, one for the
// YAML library's.
describe("the start-up bundles' code caches", () => {
  it("are used when the layer starts through its launcher", async () => {
    for (const bundle of BUNDLES) expect(existsSync(codeCacheFile(bundle))).toBe(true);
    expect(await codeCacheUse()).toEqual(allBundles("accepted"));
  }, 60_000);

  // V8 hashes most of its flags into the cache (not the heap sizes the launcher sets): a node started
  // with another, as a function's own flags would do, refuses it.
  it("are refused by V8 under other V8 flags (--no-opt): start-up compiles and says so", async () => {
    expect(await codeCacheUse([layerNode, "--no-opt", entryFile()])).toEqual(allBundles("rejected"));
  }, 60_000);

  describe.each(BUNDLES)("of %s", (bundle) => {
    it.each([
      ["truncated", (data: Buffer) => data.subarray(0, data.length >> 1), "mismatched"],
      [
        "with a flipped byte",
        (data: Buffer) => Buffer.from(data).fill((data.at(-1) ?? 0) ^ 1, data.length - 1),
        "mismatched",
      ],
      ["missing", undefined, "none"],
    ] as const)(
      "%s, is not used: start-up compiles that bundle, uses the other's cache, and serves",
      async (_, damage, expected) => {
        const pristine = readFileSync(codeCacheFile(bundle));
        if (damage === undefined) rmSync(codeCacheFile(bundle));
        else writeFileSync(codeCacheFile(bundle), damage(pristine));
        try {
          expect(await codeCacheUse()).toEqual({ ...allBundles("accepted"), [bundle]: expected });
        } finally {
          writeFileSync(codeCacheFile(bundle), pristine);
        }
      },
      60_000,
    );
  });
});
