// Types for zip.mjs, so the TypeScript code can import it (the project does not compile JS).
export interface ZipInput {
  name: string;
  data: Buffer;
  /** Permission bits, e.g. 0o755; the file type is added by the writer. */
  mode: number;
}

export interface ZipListing {
  name: string;
  /** Full Unix st_mode (type and permission bits); 0 when the archive was not made on Unix. */
  mode: number;
  isDirectory: boolean;
  size: number;
  compressedSize: number;
}

export interface ZipEntry extends ZipListing {
  data: Buffer;
}

/** Sorted entries, parent folders added (0755), fixed mtime, deflated: same files, same bytes. */
export function writeZip(files: ZipInput[]): Promise<Buffer>;
export function listZip(zip: Buffer): Promise<ZipListing[]>;
/** Every entry with its contents, checked against its size and CRC-32. */
export function readZip(zip: Buffer): Promise<ZipEntry[]>;
/**
 * Unzips into `dir` keeping permission bits; refuses entries that leave it or are neither files nor
 * folders, and never writes over an existing file. Returns the real path of `dir`.
 */
export function extractZip(zip: Buffer, dir: string): Promise<string>;
export function extractEntries(entries: ZipEntry[], dir: string): string;
