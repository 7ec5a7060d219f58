// Types for context.mjs, so the TypeScript tests can import it.
export const CONTAINER_ARCHES: { readonly amd64: "x86_64"; readonly arm64: "arm64" };
export function writeArchContext(zipPath: string, out: string, targetArch: string): string;
