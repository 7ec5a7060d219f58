// Types for pack.mjs, so the TypeScript tests can import it (the project does not compile JS).
export function mainManifest(
  repoManifest: Record<string, unknown>,
  repository?: string,
): Record<string, unknown>;
export function layerManifest(arch: string, version: string, repository?: string): Record<string, unknown>;
/** Packs the npm packages into `outDir` with `npm pack`; returns tarball file name → bytes. */
export function packNpmPackages(options: {
  repo: string;
  distDir: string;
  outDir: string;
  repository?: string;
}): Record<string, Buffer>;
