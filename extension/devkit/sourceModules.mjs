// Plain .mjs scripts run by the machine's node (the bench, the layer build's training run) drive a few
// TypeScript parts directly (the STS stand-in, the mock Runtime API, RoleSession for the simulated
// clock, the refresh and backoff policy for the fleet simulation): they are bundled here on the fly.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as esbuild from "esbuild";

const source = (path) => fileURLToPath(new URL(`../${path}`, import.meta.url));
let built;

async function buildAll() {
  const out = mkdtempSync(join(tmpdir(), "sidecar-devkit-src-"));
  // Loaded once per process; the files are not needed after that.
  process.once("exit", () => rmSync(out, { recursive: true, force: true }));
  await esbuild.build({
    entryPoints: {
      stsStandIn: source("devkit/stsStandIn/stsStandIn.ts"),
      roleSession: source("src/roles/roleSession.ts"),
      refreshPolicy: source("src/roles/refreshPolicy.ts"),
      mockRuntimeApi: source("devkit/mockRuntimeApi/mockRuntimeApi.ts"),
    },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outdir: out,
    outExtension: { ".js": ".mjs" },
    logLevel: "warning",
  });
  return out;
}

/** The bundled module `name` (an entry point of buildAll), built on first use. */
async function builtModule(name) {
  built ??= buildAll();
  return import(pathToFileURL(join(await built, `${name}.mjs`)).href);
}

/** @returns {Promise<typeof import("./stsStandIn/stsStandIn.ts")>} */
export const stsStandInModule = () => builtModule("stsStandIn");

/** @returns {Promise<typeof import("../src/roles/roleSession.ts")>} */
export const roleSessionModule = () => builtModule("roleSession");

/** @returns {Promise<typeof import("../src/roles/refreshPolicy.ts")>} */
export const refreshPolicyModule = () => builtModule("refreshPolicy");

/** @returns {Promise<typeof import("./mockRuntimeApi/mockRuntimeApi.ts")>} */
export const mockRuntimeApiModule = () => builtModule("mockRuntimeApi");
