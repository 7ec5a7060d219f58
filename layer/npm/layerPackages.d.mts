// Types for layerPackages.mjs, so the TypeScript code can import it (the project does not compile JS).
export type LayerArchitecture = "x86_64" | "arm64";
export const LAYER_PACKAGES: Readonly<Record<LayerArchitecture, string>>;
export const LAYER_PACKAGE_ZIP: string;
export function findLayerZip(
  arch: string,
  where: { distDir: string; from: string | URL; version: string },
): string;
