import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CliError } from "./io.js";

/**
 * A file built next to the CLI (dist/extension.mjs, dist/layer-x86_64.zip). Resolved from the CLI's
 * own location, so it works from any working directory; esbuild keeps import.meta.url as dist/cli.mjs.
 */
export function builtFile(name: string): string {
  return fileURLToPath(new URL(`./${name}`, import.meta.url));
}

export function requireBuiltFile(name: string, hint: string): string {
  const path = builtFile(name);
  if (!existsSync(path)) throw new CliError(`${path} is missing: ${hint}`);
  return path;
}
