// Running a layer's node on this machine: natively when the architectures match, else the arm64
// node under qemu-user (Debian: qemu-user-static, libc6-arm64-cross, libstdc++6-arm64-cross). There
// is no binfmt registration here, so qemu must be called explicitly: a small script takes the node's
// place in a scratch copy of the layer. Build and tests only; nothing of this ships in a layer.
import { accessSync, constants, existsSync, renameSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";

/** Where Debian's arm64 cross packages put the loader, libc and libstdc++ that node links against. */
export const AARCH64_SYSROOT = "/usr/aarch64-linux-gnu";
const QEMU_NAMES = ["qemu-aarch64-static", "qemu-aarch64"];
const SYSROOT_FILES = ["lib/ld-linux-aarch64.so.1", "lib/libc.so.6", "lib/libstdc++.so.6"];

/** The layer's name of this machine's architecture, if it is one the layer ships. */
export function hostArch() {
  if (process.platform !== "linux") return undefined;
  return { x64: "x86_64", arm64: "arm64" }[process.arch];
}

/** An executable named `name` on PATH, or undefined. */
export function onPath(name) {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/**
 * How this machine can run `arch`'s node: { how: "native" }, { how: "qemu", qemu } or
 * { how: undefined, reason } saying what is missing.
 */
export function nodeRunner(arch) {
  const host = hostArch();
  if (host === arch) return { how: "native" };
  if (host !== "x86_64" || arch !== "arm64")
    return { how: undefined, reason: `no way to run ${arch} code on ${process.platform}-${process.arch}` };
  const qemu = QEMU_NAMES.map(onPath).find((path) => path !== undefined);
  if (qemu === undefined)
    return { how: undefined, reason: "qemu-aarch64-static is not on PATH (Debian: qemu-user-static)" };
  const missing = SYSROOT_FILES.filter((file) => !existsSync(join(AARCH64_SYSROOT, file)));
  if (missing.length > 0) {
    return {
      how: undefined,
      reason: `${missing.map((file) => join(AARCH64_SYSROOT, file)).join(", ")} missing (Debian: libc6-arm64-cross, libstdc++6-arm64-cross)`,
    };
  }
  return { how: "qemu", qemu };
}

/**
 * Makes the arm64 node at `nodePath` (inside a scratch copy of a layer) runnable here: the binary
 * moves to `<nodePath>.aarch64` and a script at `nodePath` runs it under qemu with the arm64 sysroot.
 * The launcher still finds `bin/node` where it expects it, so it runs exactly as on Lambda (compile
 * cache included). Throws when this machine cannot run it.
 */
export function runUnderQemu(nodePath) {
  const runner = nodeRunner("arm64");
  if (runner.how !== "qemu") throw new Error(`cannot run the arm64 node here: ${runner.reason ?? "native"}`);
  const binary = `${nodePath}.aarch64`;
  renameSync(nodePath, binary);
  const quote = (text) => `'${text.replaceAll("'", "'\\''")}'`;
  writeFileSync(
    nodePath,
    `#!/bin/sh\nexec ${quote(runner.qemu)} -L ${quote(AARCH64_SYSROOT)} ${quote(binary)} "$@"\n`,
    { mode: 0o755 },
  );
  return binary;
}
