// Unpacks a built layer zip the way Lambda does into /opt, so every figure comes from the artefact.
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { extractZip } from "../../layer/zip.mjs";

/**
 * @param {string} zipPath e.g. dist/layer-x86_64.zip
 * @returns {{ root: string, launcher: string, node: string | undefined }}
 */
export function unpackLayer(zipPath) {
  if (!existsSync(zipPath)) throw new Error(`${zipPath} is missing: run \`make layer\` first`);
  const root = mkdtempSync(join(tmpdir(), "sidecar-bench-opt-"));
  extractZip(readFileSync(zipPath), root);
  const node = join(root, "credentials-sidecar", "bin", "node");
  return {
    root,
    launcher: join(root, "extensions", "credentials-sidecar"),
    node: existsSync(node) ? node : undefined,
  };
}
