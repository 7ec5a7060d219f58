/**
 * The built layer, unzipped into a temp folder as Lambda unzips it into /opt. On Linux the zip with
 * this architecture's node (dist/ in a clone, else the installed @credentials-sidecar/layer-<arch>
 * package); elsewhere, or when neither is there, the node-less zip that ships in credentials-sidecar,
 * its launcher pointed at this machine's node.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { findLayerZip, LAYER_PACKAGES } from "../../../../layer/npm/layerPackages.mjs";
import { extractZip } from "../../../../layer/zip.mjs";
import { VERSION } from "../../../src/platform/version.js";
import { CliError } from "../io.js";
import { builtFile } from "../paths.js";

export interface LayerChoice {
  readonly zip: string;
  /** Set when the launcher must use this node instead of a node in the layer. */
  readonly hostNode: boolean;
  /** Why this zip, for the demo's output. */
  readonly note: string;
}

/** The zip with node for a Lambda architecture, or why there is none (what to install). */
export type FindNativeZip = (architecture: "x86_64" | "arm64") => { zip: string } | { missing: string };

export const findNativeZip: FindNativeZip = (architecture) => {
  try {
    const where = { distDir: builtFile("."), from: import.meta.url, version: VERSION };
    return { zip: findLayerZip(architecture, where) };
  } catch (error) {
    return { missing: (error as Error).message };
  }
};

export function chooseLayerZip(
  platform: NodeJS.Platform,
  arch: string,
  findNative: FindNativeZip = findNativeZip,
): LayerChoice {
  const native = platform === "linux" ? ({ x64: "x86_64", arm64: "arm64" } as const)[arch] : undefined;
  const found = native === undefined ? undefined : findNative(native);
  if (native !== undefined && found !== undefined && "zip" in found) {
    return {
      zip: found.zip,
      hostNode: false,
      note: `layer-${native}.zip, with its own node, as on a Lambda ${native} function`,
    };
  }
  const why =
    native === undefined
      ? `the layer's node binaries run on Linux only (${platform}-${arch} here)`
      : `no ${native} layer here (npm install ${LAYER_PACKAGES[native]} runs it with its own node)`;
  return {
    zip: builtFile("layer-nodejs.zip"),
    hostNode: true,
    note: `layer-nodejs.zip with this machine's node ${process.version}: ${why}`,
  };
}

/** Unzips the layer into `into` (like /opt), keeping file modes; returns the launcher and wrapper. */
export async function unpackLayer(
  zipPath: string,
  into: string,
): Promise<{ launcher: string; wrapper: string }> {
  if (!existsSync(zipPath)) throw new CliError(`${zipPath} is missing: run \`make layer\` first`);
  try {
    await extractZip(readFileSync(zipPath), into);
  } catch (error) {
    throw new CliError(`${zipPath}: ${(error as Error).message}`);
  }
  const launcher = join(into, "extensions", "credentials-sidecar");
  const wrapper = join(into, "credentials-sidecar", "wrapper");
  for (const file of [launcher, wrapper]) {
    if (!existsSync(file))
      throw new CliError(`${zipPath} has no ${file.slice(into.length + 1)}: rebuild it (make layer)`);
  }
  return { launcher, wrapper };
}
