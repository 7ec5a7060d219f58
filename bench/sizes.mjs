// 5. Sizes: the bundle (entry + chunks), both layer zips, and what dominates each.
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { listZip } from "../layer/zip.mjs";

function packageOf(input) {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  if (match) return match[1];
  return input.startsWith("extension/src/") ? "(credentials-sidecar source)" : input.replace(/^.*\//, "");
}

/** Bytes in the output per npm package, over every output file (entry and chunks). */
function bundleContributors(meta) {
  const byPackage = new Map();
  for (const output of Object.values(meta.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = packageOf(input);
      byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...byPackage].sort((a, b) => b[1] - a[1]);
}

/** What the path to `register` loads: the entry and every chunk it imports statically. */
function startupBytes(meta, entry) {
  const seen = new Set();
  const visit = (path) => {
    if (seen.has(path) || !meta.outputs[path]) return;
    seen.add(path);
    for (const dependency of meta.outputs[path].imports)
      if (dependency.kind === "import-statement") visit(dependency.path);
  };
  visit(entry);
  return [...seen].reduce((sum, path) => sum + meta.outputs[path].bytes, 0);
}

export async function measureSizes(dist) {
  const meta = JSON.parse(readFileSync(join(dist, "extension.mjs.meta.json"), "utf8"));
  const outputs = Object.entries(meta.outputs);
  const entryPath = outputs.find(
    ([path]) => path.endsWith("/extension.mjs") || path === "dist/extension.mjs",
  )?.[0];
  const zips = {};
  for (const name of ["layer-x86_64.zip", "layer-arm64.zip", "layer-nodejs.zip"]) {
    const zip = readFileSync(join(dist, name));
    const entries = (await listZip(zip)).filter((entry) => !entry.name.endsWith("/"));
    const groups = new Map();
    for (const entry of entries) {
      const group = entry.name.includes("/chunks/")
        ? "credentials-sidecar/chunks/*"
        : entry.name.includes("/code-cache/")
          ? "credentials-sidecar/code-cache/*"
          : entry.name;
      const sum = groups.get(group) ?? { size: 0, compressedSize: 0, files: 0 };
      groups.set(group, {
        size: sum.size + entry.size,
        compressedSize: sum.compressedSize + entry.compressedSize,
        files: sum.files + 1,
      });
    }
    zips[name] = {
      bytes: statSync(join(dist, name)).size,
      files: entries.length,
      unpacked: entries.reduce((sum, entry) => sum + entry.size, 0),
      groups: [...groups].sort((a, b) => b[1].compressedSize - a[1].compressedSize),
    };
  }
  return {
    bundleBytes: outputs.reduce((sum, [, output]) => sum + output.bytes, 0),
    entryBytes: entryPath ? meta.outputs[entryPath].bytes : Number.NaN,
    startupBytes: entryPath ? startupBytes(meta, entryPath) : Number.NaN,
    chunks: outputs.length - 1,
    contributors: bundleContributors(meta),
    zips,
  };
}
