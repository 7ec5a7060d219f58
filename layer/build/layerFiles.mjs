// The files every layer variant holds (launcher, wrapper, the built extension), and writing a
// variant's zip.
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { listZip, writeZip } from "../zip.mjs";
import { log, size } from "./tools.mjs";

const layerDir = dirname(dirname(fileURLToPath(import.meta.url)));

/** Files under `base/dir`, as paths relative to `base`, sorted; none if the folder does not exist. */
export function filesUnder(base, dir) {
  if (!existsSync(join(base, dir))) return [];
  return readdirSync(join(base, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(base, join(entry.parentPath, entry.name)))
    .sort();
}

/**
 * The files every variant holds: name in the layer (= path under /opt), contents, mode. `bundleFiles`
 * and every file under `bundleDirs` come from `inDir` (the built extension).
 */
export function commonFiles(inDir, bundleFiles, bundleDirs) {
  const files = [
    {
      name: "extensions/credentials-sidecar",
      path: join(layerDir, "extensions", "credentials-sidecar"),
      mode: 0o755,
    },
    {
      name: "credentials-sidecar/wrapper",
      path: join(layerDir, "credentials-sidecar", "wrapper"),
      mode: 0o755,
    },
    ...[...bundleFiles, ...bundleDirs.flatMap((dir) => filesUnder(inDir, dir))].map((file) => ({
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

/** Writes the zip of `files` to `outDir/fileName` (through a .tmp file) and logs its sizes. */
export async function writeLayer(outDir, fileName, files) {
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
