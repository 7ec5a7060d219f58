// Unpacks a built layer zip the way Lambda does into /opt, so every figure comes from the artefact.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { extractEntries, readZip } from "../../layer/zip.mjs";

const COMPILE_CACHE = "credentials-sidecar/compile-cache";

/**
 * @param {string} zipPath e.g. dist/layer-x86_64.zip
 * @returns {Promise<{ root: string, launcher: string, node: string | undefined, restoreCompileCache(): void }>}
 */
export async function unpackLayer(zipPath) {
  if (!existsSync(zipPath)) throw new Error(`${zipPath} is missing: run \`make layer\` first`);
  const root = mkdtempSync(join(tmpdir(), "sidecar-bench-opt-"));
  const entries = await readZip(readFileSync(zipPath));
  extractEntries(entries, root);
  const node = join(root, "credentials-sidecar", "bin", "node");
  const shippedCache = entries.filter((entry) => entry.name.startsWith(`${COMPILE_CACHE}/`));
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
      if (shippedCache.length === 0) return;
      rmSync(join(root, COMPILE_CACHE), { recursive: true, force: true });
      extractEntries(shippedCache, root);
    },
  };
}
