// Unpacks a built layer zip the way Lambda does into /opt, so every figure comes from the artefact.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { extractEntries, readZip } from "../../layer/zip.mjs";

/**
 * @param {string} zipPath e.g. dist/layer-x86_64.zip
 * @returns {Promise<{ root: string, launcher: string, node: string | undefined }>}
 */
export async function unpackLayer(zipPath) {
  if (!existsSync(zipPath)) throw new Error(`${zipPath} is missing: run \`make layer\` first`);
  const root = mkdtempSync(join(tmpdir(), "sidecar-bench-opt-"));
  const entries = await readZip(readFileSync(zipPath));
  extractEntries(entries, root);
  const node = join(root, "credentials-sidecar", "bin", "node");
  return {
    root,
    launcher: join(root, "extensions", "credentials-sidecar"),
    // The extension never writes into the layer (its code cache is made by the build), so every
    // run meets the layer as shipped, as on Lambda's read-only /opt.
    node: existsSync(node) ? node : undefined,
  };
}
