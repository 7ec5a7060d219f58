/**
 * A damaged deployment: each chunk of the BUILT layer that start-up loads lazily (after the entry),
 * missing or truncated in turn, run on the layer's node against the mock Runtime API. Whatever chunk
 * it is, the process must report `init/error`, remove the runtime files it wrote before `register`,
 * and exit 1 (issue 19 §2: the crash path once left the token behind).
 *
 * Which chunks start-up loads is read, not guessed: a control run of the undamaged layer records every
 * module it loads (a `module.registerHooks` load hook); chunks the entry imports statically are left
 * out, as they load before anything is written.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extractLayer, layerEntries } from "../../../layer/test/support/layer.js";
import { type MockRuntimeApi, startMockRuntimeApi } from "../../devkit/mockRuntimeApi/mockRuntimeApi.js";
import { type StsStandIn, startStsStandIn } from "../../devkit/stsStandIn/stsStandIn.js";
import { type ExtensionProcess, startExtension } from "../support/extensionProcess.js";

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
  environment: () => ({ CREDENTIALS_SIDECAR_ROLE_ARN: `arn:aws:iam::${sts.accountId}:role/reader` }),
  yaml: () => {
    const path = join(work, "config.yaml");
    writeFileSync(
      path,
      `default: reader\nroles:\n  reader:\n    RoleArn: arn:aws:iam::${sts.accountId}:role/reader\n  audit:\n    RoleArn: arn:aws:iam::${sts.accountId}:role/audit\n`,
    );
    return { CREDENTIALS_SIDECAR_CONFIG: path };
  },
} as const;
type ConfigName = keyof typeof CONFIGS;

function lambdaEnv(mock: MockRuntimeApi, config: ConfigName, extra: Record<string, string> = {}) {
  return {
    AWS_LAMBDA_RUNTIME_API: mock.address,
    AWS_LAMBDA_FUNCTION_NAME: "damaged-fn",
    AWS_REGION: "eu-west-1",
    AWS_ACCESS_KEY_ID: sts.base.accessKeyId,
    AWS_SECRET_ACCESS_KEY: sts.base.secretAccessKey,
    AWS_ENDPOINT_URL_STS: sts.endpoint,
    AWS_CONFIG_FILE: "/nonexistent",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    ...CONFIGS[config](),
    ...extra,
  };
}

const chunksDir = () => join(opt, "credentials-sidecar", "chunks");
const entryFile = () => join(opt, "credentials-sidecar", "extension.mjs");

/** The chunks a module imports statically (`import … from "./chunk.mjs"`), transitively. */
function staticClosure(file: string, seen = new Set<string>()): Set<string> {
  const text = readFileSync(file, "utf8");
  for (const match of text.matchAll(/(?:from|import)\s*"\.\/(?:chunks\/)?([^"/]+\.mjs)"/g)) {
    const name = match[1] as string;
    if (seen.has(name)) continue;
    seen.add(name);
    staticClosure(join(chunksDir(), name), seen);
  }
  return seen;
}

/** Node's load hook, recording every chunk the process loads into $CHUNK_LOG. */
const RECORD_LOADS = `data:text/javascript,${encodeURIComponent(
  `import { registerHooks } from "node:module"; import { appendFileSync } from "node:fs";
registerHooks({ load(url, context, nextLoad) {
  if (url.includes("/chunks/")) appendFileSync(process.env.CHUNK_LOG, url.slice(url.lastIndexOf("/") + 1) + "\\n");
  return nextLoad(url, context);
} });`,
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
  const statics = staticClosure(entryFile());
  const loaded = [...new Set(readFileSync(log, "utf8").split("\n").filter(Boolean))];
  return loaded.filter((name) => !statics.has(name)).sort();
}

const DAMAGES = {
  missing: (path: string) => rmSync(path),
  truncated: (path: string) =>
    writeFileSync(path, readFileSync(path).subarray(0, Math.floor(readFileSync(path).length / 2))),
} as const;

describe.each(Object.keys(CONFIGS) as ConfigName[])("a damaged chunk, %s config", (config) => {
  it("reports init/error, removes the runtime files and exits 1, for every lazily loaded chunk, missing or truncated", async () => {
    const chunks = await lazilyLoaded(config);
    // Control: start-up's own chunk and fastify's are among them, so the damage below really hits.
    expect(chunks.some((name) => name.startsWith("afterRegister"))).toBe(true);
    expect(chunks.some((name) => name.startsWith("server-"))).toBe(true);
    if (config === "yaml") expect(chunks.some((name) => name.startsWith("parseYaml-"))).toBe(true);

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
