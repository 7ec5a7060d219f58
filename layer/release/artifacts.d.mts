// Types for artifacts.mjs, so the TypeScript tests can import it.
export type Variant = "x86_64" | "arm64" | "nodejs";
export type Architecture = "x86_64" | "arm64";
export const LAYER_ZIPS: Record<Variant, string>;
export const ARCHITECTURES: Architecture[];
export const OCI_ARCH: Record<Architecture, string>;
export function checkVersion(version: unknown, where?: string): string;
export function readVersion(repo: string): string;
export function zipName(version: string, variant: string): string;
export function imageName(version: string, arch: string): string;
export function sha256(data: Uint8Array): string;
export function formatSums(files: Record<string, Uint8Array>): string;
export function parseSums(text: string, where?: string): Map<string, string>;
export function changelogSection(changelog: string, version: string): string | undefined;
