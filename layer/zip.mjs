// The layer's zips, written with yazl and read with yauzl (build and dev tools only: nothing here goes
// into the layer). What this adds to them: Unix modes (Lambda keeps them when it unzips a layer into
// /opt, so the launcher, wrapper and node stay executable), one fixed mtime and entries sorted by name
// so that the same files give the same bytes, a CRC-32 check on reading (yauzl leaves it to its
// callers), and an extraction that writes only regular files and folders inside the target folder.
import { chmodSync, mkdirSync, realpathSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { buffer } from "node:stream/consumers";
import * as zlib from "node:zlib";
import bufferCrc32 from "buffer-crc32";
import yauzl from "yauzl";
import yazl from "yazl";

// 1980-01-01 00:00, the earliest DOS date, in local time: yazl writes a date's local fields, so this
// gives the same bytes in every time zone (and the DOS fields only: no Info-ZIP UTC timestamp field).
const FIXED_TIME = { mtime: new Date(1980, 0, 1), forceDosTimestamp: true };
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const UNIX_HOST = 3;
// Node's own (native, fast) from 20.15 on; the same pure-JS one as yazl's before that.
const crc32 = zlib.crc32 ?? ((data) => bufferCrc32.unsigned(data));

/**
 * Builds a zip archive in memory: entries sorted by name, every parent folder its own entry (0755),
 * files deflated at zlib's default level 6, so the output depends only on names, modes and contents.
 * @param {{ name: string, data: Buffer, mode: number }[]} files
 * @returns {Promise<Buffer>}
 */
export async function writeZip(files) {
  const byName = new Map(); // a file, or null for a parent folder
  for (const file of files) {
    if (byName.has(file.name)) throw new Error(`duplicate zip entry: ${file.name}`);
    byName.set(file.name, file);
    const parts = file.name.split("/");
    for (let i = 1; i < parts.length; i++) {
      const folder = `${parts.slice(0, i).join("/")}/`;
      if (!byName.has(folder)) byName.set(folder, null);
    }
  }
  const zip = new yazl.ZipFile();
  // sort() without a comparator orders by UTF-16 code units, not by the locale: the same everywhere.
  for (const name of [...byName.keys()].sort()) {
    const file = byName.get(name);
    // yazl refuses absolute names and `..` segments.
    if (file) zip.addBuffer(file.data, name, { ...FIXED_TIME, mode: S_IFREG | (file.mode & 0o7777) });
    else zip.addEmptyDirectory(name, { ...FIXED_TIME, mode: S_IFDIR | 0o755 });
  }
  zip.end();
  return buffer(zip.outputStream);
}

/** A zip's entries without their contents. */
export function listZip(zip) {
  return entriesOf(zip, false);
}

/** A zip's entries with their contents, each checked against its size and CRC-32. */
export function readZip(zip) {
  return entriesOf(zip, true);
}

async function entriesOf(zip, withData) {
  // yauzl refuses names that are absolute or hold `..` segments, and entries whose size is wrong.
  const archive = await yauzl.fromBufferPromise(zip, { lazyEntries: true });
  const entries = [];
  for await (const entry of archive.eachEntry()) {
    const name = entry.fileName;
    const listed = {
      name,
      // Only entries made on Unix carry a mode, in the high half of the external attributes.
      mode: entry.versionMadeBy >> 8 === UNIX_HOST ? entry.externalFileAttributes >>> 16 : 0,
      isDirectory: name.endsWith("/"),
      size: entry.uncompressedSize,
      compressedSize: entry.compressedSize,
    };
    if (!withData) {
      entries.push(listed);
      continue;
    }
    const data = await buffer(await archive.openReadStreamPromise(entry));
    if (crc32(data) !== entry.crc32) throw new Error(`corrupt zip entry ${name}: wrong CRC-32`);
    entries.push({ ...listed, data });
  }
  return entries;
}

/**
 * Unzips into `dir` the way Lambda unzips a layer into /opt: files keep their permission bits (0644
 * when the archive recorded none). Returns the real path of `dir`.
 */
export async function extractZip(zip, dir) {
  return extractEntries(await readZip(zip), dir);
}

/**
 * `extractZip` for entries already read with `readZip`. Refuses an entry that would land outside
 * `dir` or that is neither a file nor a folder (a symbolic link is never made), and never writes
 * through or over an existing file.
 */
export function extractEntries(entries, dir) {
  const root = resolve(dir);
  for (const entry of entries) {
    const path = resolve(root, entry.name);
    if (!path.startsWith(`${root}/`)) throw new Error(`zip entry ${entry.name} leaves ${root}`);
    const type = entry.mode & S_IFMT;
    if (entry.isDirectory) {
      if (type !== 0 && type !== S_IFDIR) throw new Error(`zip entry ${entry.name} is not a folder`);
      mkdirSync(path, { recursive: true });
      continue;
    }
    if (type !== 0 && type !== S_IFREG)
      throw new Error(`zip entry ${entry.name} is not a regular file (mode ${entry.mode.toString(8)})`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, entry.data, { flag: "wx" });
    chmodSync(path, entry.mode & 0o7777 || 0o644);
  }
  return realpathSync(root);
}
