// Writes the build context of layer/container/Dockerfile: each architecture's layer zip unzipped,
// modes kept, into <out>/<TARGETARCH> (Docker's names: amd64, arm64), which the Dockerfile copies
// to /opt. Usage: node layer/container/context.mjs [--dist DIR] [--out DIR]
//   --dist  where the layer zips are (default dist/)
//   --out   the build context (default dist/container/)
import { existsSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { extractZip } from "../zip.mjs";

/** Docker's TARGETARCH → the layer zip's architecture. */
export const CONTAINER_ARCHES = { amd64: "x86_64", arm64: "arm64" };

/** Unzips one layer zip into <out>/<targetArch>, replacing what was there. Resolves to that folder. */
export function writeArchContext(zipPath, out, targetArch) {
  const tree = join(out, targetArch);
  rmSync(tree, { recursive: true, force: true });
  return extractZip(readFileSync(zipPath), tree);
}

async function main() {
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
  const { values } = parseArgs({
    options: {
      dist: { type: "string", default: join(repo, "dist") },
      out: { type: "string", default: join(repo, "dist", "container") },
    },
  });
  for (const [targetArch, arch] of Object.entries(CONTAINER_ARCHES)) {
    const zip = join(resolve(values.dist), `layer-${arch}.zip`);
    if (!existsSync(zip)) throw new Error(`${zip} is missing: run \`make layer\` first`);
    const tree = await writeArchContext(zip, resolve(values.out), targetArch);
    process.stdout.write(`${tree}: the /opt of the ${targetArch} extension image\n`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await main();
  } catch (error) {
    console.error(`container context: ${error instanceof Error ? error.message : error}`);
    process.exitCode = 1;
  }
}
