// What every part of the layer build shares: its progress line, sizes as people read them, and
// running a program that must succeed.
import { spawnSync } from "node:child_process";

export const log = (line) => process.stdout.write(`${line}\n`);

export const size = (bytes) =>
  bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** Runs `command` to completion and returns its stdout; throws with its stderr when it fails. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} failed (${result.error?.message ?? `exit ${result.status}`}): ${result.stderr}`,
    );
  }
  return result.stdout;
}
