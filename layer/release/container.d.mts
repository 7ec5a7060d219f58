// Types for container.mjs, so the TypeScript tests can import it.
export function writeContext(dir: string, layerZips: Record<string, Buffer>, dockerfile: string): void;
export function buildahMissing(): string | undefined;
export function buildImage(options: {
  context: string;
  arch: string;
  version: string;
  archive: string;
}): void;
