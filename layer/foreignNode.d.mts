// Types for foreignNode.mjs, so the TypeScript tests can import it (the project does not compile JS).
export const AARCH64_SYSROOT: string;
export function hostArch(): "x86_64" | "arm64" | undefined;
export function onPath(name: string): string | undefined;
export function nodeRunner(
  arch: "x86_64" | "arm64",
): { how: "native" } | { how: "qemu"; qemu: string } | { how: undefined; reason: string };
export function runUnderQemu(nodePath: string): string;
