/**
 * layer/build.mjs run on a stand-in bundle into a temp folder (dist/ stays untouched; the node
 * tarballs are cached in dist/.cache, so only the very first run downloads them), and what the build
 * test checks its zips and their launcher against.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll } from "vitest";
import { extractZip } from "../../zip.mjs";

export const BUILD_SCRIPT = fileURLToPath(new URL("../../build.mjs", import.meta.url));
export const TARBALLS = fileURLToPath(new URL("../../../dist/.cache", import.meta.url));
export const HOST_ARCH = process.arch === "arm64" ? "arm64" : "x86_64";

// Prints which node ran it and what it saw, instead of starting the real extension.
export const FAKE_BUNDLE = `console.log(JSON.stringify({
  version: process.version,
  arch: process.arch,
  execPath: process.execPath,
  script: process.argv[1],
  nodeOptions: process.env.NODE_OPTIONS ?? null,
  execArgv: process.execArgv,
  mallocArenas: process.env.MALLOC_ARENA_MAX ?? null,
}));
`;

/** Entries of every zip: [name, mode]. */
export const COMMON = [
  ["credentials-sidecar/", 0o40755],
  ["credentials-sidecar/extension.mjs", 0o100644],
  ["credentials-sidecar/wrapper", 0o100755],
  ["extensions/", 0o40755],
  ["extensions/credentials-sidecar", 0o100755],
];
/** Entries of a zip with node. */
export const WITH_NODE = [
  ...COMMON,
  ["credentials-sidecar/bin/", 0o40755],
  ["credentials-sidecar/bin/node", 0o100755],
  ["credentials-sidecar/licenses/", 0o40755],
  ["credentials-sidecar/licenses/node/", 0o40755],
  ["credentials-sidecar/licenses/node/LICENSE", 0o100644],
];
export const CODE_CACHE = "credentials-sidecar/code-cache/";
export const sortedByName = (rows: (string | number)[][]) =>
  [...rows].sort((a, b) => String(a[0]).localeCompare(String(b[0])));

/** Starts a layer's launcher (or anything) as Lambda would: bounded, with a small PATH. */
export function launch(
  command: string,
  options: { cwd: string; env?: Record<string, string>; shell?: string },
) {
  const env = { PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, ...options.env };
  const [program, args] = options.shell ? [options.shell, [command]] : [command, []];
  // Bounded: a hung node (or qemu) must fail the test, not block the worker (spawnSync holds its loop).
  return spawnSync(program, args, { cwd: options.cwd, env, encoding: "utf8", timeout: 60_000 });
}

export interface StandInBuild {
  /** the scratch folder: `in/` holds the stand-in bundle, `out/` the zips */
  readonly work: string;
  readonly out: string;
  /** Extracts a zip of `out` the way Lambda does into /opt: files with their modes. */
  extract(zipName: string): Promise<string>;
}

/** Builds every zip from FAKE_BUNDLE once for the file (beforeAll) and removes it afterwards. */
export function useStandInLayerBuild(): StandInBuild {
  let work = "";
  let out = "";
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "layer-build-test-"));
    out = join(work, "out");
    mkdirSync(join(work, "in"));
    writeFileSync(join(work, "in", "extension.mjs"), FAKE_BUNDLE);
    execFileSync(process.execPath, [BUILD_SCRIPT, "--in", join(work, "in"), "--out", out], {
      stdio: "pipe",
    });
  }, 600_000); // the first run downloads two ~50 MB tarballs

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  return {
    get work() {
      return work;
    },
    get out() {
      return out;
    },
    extract: (zipName) =>
      extractZip(readFileSync(join(out, zipName)), mkdtempSync(join(work, `${zipName}-`))),
  };
}
