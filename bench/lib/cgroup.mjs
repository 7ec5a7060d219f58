// A v1 memory cgroup, as Lambda accounts a function's memory (its limit is the function's memory
// size; "Max Memory Used" is the group's peak). Root can create one under /sys/fs/cgroup/memory.
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = "/sys/fs/cgroup/memory";
const MiB = 2 ** 20;
let created = 0;

/** Why a memory cgroup cannot be made here, or undefined when it can. */
export function cgroupUnavailable() {
  if (!existsSync(join(ROOT, "cgroup.procs"))) return `no v1 memory controller at ${ROOT}`;
  if (process.getuid?.() !== 0) return "not root: cannot create a memory cgroup";
  return undefined;
}

/**
 * @param {number} limitBytes
 * @returns {{ path: string, launcherFor(command: string): string, usage(): object, resetPeak(): void,
 *   remove(): void }}
 */
export function createMemoryCgroup(limitBytes) {
  const path = join(ROOT, `credentials-sidecar-bench-${process.pid}-${created++}`);
  mkdirSync(path);
  writeFileSync(join(path, "memory.limit_in_bytes"), String(limitBytes));
  const scripts = mkdtempSync(join(tmpdir(), "sidecar-bench-cg-"));
  const read = (name) => readFileSync(join(path, name), "utf8");
  const number = (name) => Number(read(name).trim());
  return {
    path,
    /**
     * A script that moves itself into the group and then execs `command`: everything the command
     * maps from its first instruction on is charged to the group.
     */
    launcherFor(command) {
      const script = join(scripts, "enter-cgroup");
      writeFileSync(
        script,
        `#!/bin/sh\necho $$ > '${path}/cgroup.procs' || exit 1\nexec '${command}' "$@"\n`,
      );
      chmodSync(script, 0o700);
      return script;
    },
    /** MiB: peak (max_usage_in_bytes), now (usage_in_bytes), and now's anonymous (rss) and page-cache part. */
    usage() {
      const stat = Object.fromEntries(
        read("memory.stat")
          .trim()
          .split("\n")
          .map((line) => line.split(" "))
          .map(([key, value]) => [key, Number(value)]),
      );
      return {
        peakMiB: number("memory.max_usage_in_bytes") / MiB,
        nowMiB: number("memory.usage_in_bytes") / MiB,
        anonMiB: stat.rss / MiB,
        cacheMiB: stat.cache / MiB,
        failcnt: number("memory.failcnt"),
      };
    },
    /** Starts a new peak from the current usage. */
    resetPeak() {
      writeFileSync(join(path, "memory.max_usage_in_bytes"), "0");
    },
    /** Once the processes in it are gone. */
    remove() {
      rmSync(scripts, { recursive: true, force: true });
      try {
        rmdirSync(path);
      } catch {
        // A process still exiting: the kernel frees an empty group's memory with it later.
      }
    },
  };
}
