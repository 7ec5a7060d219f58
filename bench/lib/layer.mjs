// Unpacks a built layer zip the way Lambda does into /opt, so every figure comes from the artefact.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { readZip } from "../../layer/zip.mjs";

/**
 * @param {string} zipPath e.g. dist/layer-x86_64.zip
 * @returns {{ root: string, launcher: string, node: string | undefined }}
 */
export function unpackLayer(zipPath) {
  if (!existsSync(zipPath)) throw new Error(`${zipPath} is missing: run \`make layer\` first`);
  const root = mkdtempSync(join(tmpdir(), "sidecar-bench-opt-"));
  for (const entry of readZip(readFileSync(zipPath))) {
    const path = join(root, entry.name);
    if (entry.name.endsWith("/")) {
      mkdirSync(path, { recursive: true });
      continue;
    }
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, entry.data);
    chmodSync(path, entry.mode & 0o777);
  }
  const node = join(root, "credentials-sidecar", "bin", "node");
  return {
    root,
    launcher: join(root, "extensions", "credentials-sidecar"),
    node: existsSync(node) ? node : undefined,
  };
}
