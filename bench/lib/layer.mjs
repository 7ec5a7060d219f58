// Unpacks a built layer zip the way Lambda does into /opt, so every figure comes from the artefact.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { extractZip } from "../../layer/zip.mjs";

/**
 * @param {string} zipPath e.g. dist/layer-x86_64.zip
 * @returns {{ root: string, launcher: string, node: string | undefined, restoreCompileCache(): void }}
 */
export function unpackLayer(zipPath) {
  if (!existsSync(zipPath)) throw new Error(`${zipPath} is missing: run \`make layer\` first`);
  const root = mkdtempSync(join(tmpdir(), "sidecar-bench-opt-"));
  extractZip(readFileSync(zipPath), root);
  const node = join(root, "credentials-sidecar", "bin", "node");
  const cacheDir = join(root, "credentials-sidecar", "compile-cache");
  const shipped = snapshot(cacheDir);
  return {
    root,
    launcher: join(root, "extensions", "credentials-sidecar"),
    node: existsSync(node) ? node : undefined,
    /**
     * /opt is read-only in Lambda, so node can never add to the layer's compile cache there; here
     * (as root) it can, at every exit. Putting the cache back as shipped after each run keeps a
     * benchmark from measuring a cache warmer than Lambda's.
     */
    restoreCompileCache() {
      if (shipped === undefined) return;
      rmSync(cacheDir, { recursive: true, force: true });
      for (const [path, data] of shipped) {
        const full = join(cacheDir, path);
        mkdirSync(dirname(full), { recursive: true });
        writeFileSync(full, data);
      }
    },
  };
}

/** Every file under `dir`: relative path → bytes. */
function snapshot(dir) {
  if (!existsSync(dir)) return undefined;
  const files = new Map();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const full = join(entry.parentPath, entry.name);
      files.set(full.slice(dir.length + 1), readFileSync(full));
    }
  }
  return files;
}
