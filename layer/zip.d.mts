// Types for zip.mjs, so the TypeScript tests can import it (the project does not compile JS).
export interface ZipInput {
  name: string;
  data: Uint8Array;
  /** Permission bits, e.g. 0o755; the file type is added by the writer. */
  mode: number;
}

export interface ZipListing {
  name: string;
  /** Full Unix st_mode (type and permission bits); 0 when the archive was not made on Unix. */
  mode: number;
  isDirectory: boolean;
  /** 0 stored, 8 deflated. */
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

export interface ZipEntry extends ZipListing {
  data: Buffer;
}

export function writeZip(files: ZipInput[], options?: { level?: number }): Promise<Buffer>;
export function listZip(zip: Buffer): ZipListing[];
export function readZip(zip: Buffer): ZipEntry[];
/** Unzips into `dir` keeping permission bits; refuses entries that leave it. Returns the real path. */
export function extractZip(zip: Buffer, dir: string): string;
export function extractEntries(entries: ZipEntry[], dir: string): string;
