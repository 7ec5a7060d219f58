/**
 * The built layer, unzipped into a temp folder as Lambda unzips it into /opt. On Linux the zip with
 * this architecture's node; elsewhere the node-less zip, its launcher pointed at this machine's node.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { extractZip } from "../../../../layer/zip.mjs";
import { CliError } from "../io.js";
import { builtFile } from "../paths.js";

export interface LayerChoice {
  readonly zip: string;
  /** Set when the launcher must use this node instead of a node in the layer. */
  readonly hostNode: boolean;
  /** Why this zip, for the demo's output. */
  readonly note: string;
}

export function chooseLayerZip(platform: NodeJS.Platform, arch: string): LayerChoice {
  const native = platform === "linux" ? { x64: "x86_64", arm64: "arm64" }[arch] : undefined;
  if (native !== undefined) {
    return {
      zip: builtFile(`layer-${native}.zip`),
      hostNode: false,
      note: `layer-${native}.zip, with its own node, as on a Lambda ${native} function`,
    };
  }
  return {
    zip: builtFile("layer-nodejs.zip"),
    hostNode: true,
    note: `layer-nodejs.zip with this machine's node ${process.version}: the layer's node binaries run on Linux only (${platform}-${arch} here)`,
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
