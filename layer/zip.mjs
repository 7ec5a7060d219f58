// A minimal zip writer and reader (no zip64, no encryption): enough for a Lambda layer, with Unix
// permissions kept so the launcher, wrapper and node stay executable after Lambda unzips the layer
// into /opt. No dependency on the `zip`/`unzip` CLIs, which fresh machines often lack.
import { chmodSync, mkdirSync, realpathSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { promisify } from "node:util";
import * as zlib from "node:zlib";

const deflateRaw = promisify(zlib.deflateRaw);

if (typeof zlib.crc32 !== "function") {
  throw new Error(`zlib.crc32 is missing: Node ${process.version} is too old, use Node >= 20.15`);
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIR = 0x06054b50;
const MADE_BY_UNIX = (3 << 8) | 20; // host 3 = Unix, so readers honour the mode in external attributes
const VERSION_NEEDED = 20;
const UTF8_NAMES = 0x0800;
const STORED = 0;
const DEFLATED = 8;
// Fixed timestamp (1980-01-01 00:00, the earliest DOS date) so identical inputs give identical zips.
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const MAX_32 = 0xffffffff;

/**
 * Builds a zip archive in memory. Entries are sorted by name and every parent directory gets its
 * own entry (mode 0755), so the output depends only on names, modes and contents.
 * @param {{ name: string, data: Uint8Array, mode: number }[]} files
 * @param {{ level?: number }} [options] deflate level, zlib's default when absent
 * @returns {Promise<Buffer>}
 */
export async function writeZip(files, options = {}) {
  const entries = new Map();
  for (const file of files) {
    if (file.name.startsWith("/") || file.name.split("/").includes("..")) {
      throw new Error(`unsafe zip entry name: ${file.name}`);
    }
    if (entries.has(file.name)) throw new Error(`duplicate zip entry: ${file.name}`);
    entries.set(file.name, { name: file.name, data: file.data, mode: S_IFREG | (file.mode & 0o7777) });
    const parts = file.name.split("/");
    for (let i = 1; i < parts.length; i++) {
      const dir = `${parts.slice(0, i).join("/")}/`;
      if (!entries.has(dir)) entries.set(dir, { name: dir, data: new Uint8Array(0), mode: S_IFDIR | 0o755 });
    }
  }
  const sorted = [...entries.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  // Compress all entries concurrently: deflateRaw runs on libuv's thread pool.
  const compressed = await Promise.all(
    sorted.map(async (entry) => {
      if (entry.data.length === 0) return { method: STORED, body: entry.data };
      const deflated = await deflateRaw(entry.data, {
        level: options.level ?? zlib.constants.Z_DEFAULT_COMPRESSION,
      });
      return deflated.length < entry.data.length
        ? { method: DEFLATED, body: deflated }
        : { method: STORED, body: entry.data };
    }),
  );

  const chunks = [];
  const central = [];
  let offset = 0;
  sorted.forEach((entry, i) => {
    const { method, body } = compressed[i];
    const name = Buffer.from(entry.name, "utf8");
    const crc = zlib.crc32(entry.data);
    if (entry.data.length > MAX_32 || offset > MAX_32) throw new Error("zip64 is not supported");

    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL_HEADER, 0);
    local.writeUInt16LE(VERSION_NEEDED, 4);
    local.writeUInt16LE(UTF8_NAMES, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);

    const header = Buffer.alloc(46);
    header.writeUInt32LE(CENTRAL_HEADER, 0);
    header.writeUInt16LE(MADE_BY_UNIX, 4);
    header.writeUInt16LE(VERSION_NEEDED, 6);
    header.writeUInt16LE(UTF8_NAMES, 8);
    header.writeUInt16LE(method, 10);
    header.writeUInt16LE(DOS_TIME, 12);
    header.writeUInt16LE(DOS_DATE, 14);
    header.writeUInt32LE(crc, 16);
    header.writeUInt32LE(body.length, 20);
    header.writeUInt32LE(entry.data.length, 24);
    header.writeUInt16LE(name.length, 28);
    // extra length, comment length, disk number, internal attributes: all 0
    const msDosDirectory = entry.mode & S_IFDIR ? 0x10 : 0;
    header.writeUInt32LE(((entry.mode << 16) | msDosDirectory) >>> 0, 38);
    header.writeUInt32LE(offset, 42);

    chunks.push(local, name, body);
    central.push(header, name);
    offset += local.length + name.length + body.length;
  });

  const centralSize = central.reduce((sum, b) => sum + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_CENTRAL_DIR, 0);
  end.writeUInt16LE(sorted.length, 8);
  end.writeUInt16LE(sorted.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...chunks, ...central, end]);
}

/**
 * Lists a zip's central directory (names, modes, sizes) without extracting anything.
 * @param {Buffer} zip
 */
export function listZip(zip) {
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === END_OF_CENTRAL_DIR) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error("not a zip file: no end of central directory record");
  const count = zip.readUInt16LE(end + 10);
  let pos = zip.readUInt32LE(end + 16);
  const entries = [];
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(pos) !== CENTRAL_HEADER) throw new Error(`bad central directory header at ${pos}`);
    const nameLength = zip.readUInt16LE(pos + 28);
    const name = zip.toString("utf8", pos + 46, pos + 46 + nameLength);
    entries.push({
      name,
      // Only Unix-made entries carry a mode in the high half of the external attributes.
      mode: zip.readUInt16LE(pos + 4) >> 8 === 3 ? zip.readUInt32LE(pos + 38) >>> 16 : 0,
      isDirectory: name.endsWith("/"),
      method: zip.readUInt16LE(pos + 10),
      crc: zip.readUInt32LE(pos + 16),
      compressedSize: zip.readUInt32LE(pos + 20),
      size: zip.readUInt32LE(pos + 24),
      localOffset: zip.readUInt32LE(pos + 42),
    });
    pos += 46 + nameLength + zip.readUInt16LE(pos + 30) + zip.readUInt16LE(pos + 32);
  }
  return entries;
}

/**
 * Reads every entry of a zip archive (as written above, or by any tool that avoids zip64),
 * checking each entry's size and CRC.
 * @param {Buffer} zip
 */
export function readZip(zip) {
  return listZip(zip).map((entry) => {
    const { name, localOffset, compressedSize, method } = entry;
    if (zip.readUInt32LE(localOffset) !== LOCAL_HEADER) throw new Error(`bad local header for ${name}`);
    const start = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    const body = zip.subarray(start, start + compressedSize);
    let data;
    if (method === STORED) data = Buffer.from(body);
    else if (method === DEFLATED) data = zlib.inflateRawSync(body);
    else throw new Error(`unsupported compression method ${method} for ${name}`);
    if (data.length !== entry.size || zlib.crc32(data) !== entry.crc)
      throw new Error(`corrupt zip entry ${name}`);
    return { ...entry, data };
  });
}

/**
 * Unzips into `dir` the way Lambda unzips a layer into /opt: files keep their permission bits
 * (0644 when the archive recorded none). An entry that would land outside `dir` is refused.
 */
export function extractZip(zip, dir) {
  return extractEntries(readZip(zip), dir);
}

/** `extractZip` for entries already read with `readZip`. */
export function extractEntries(entries, dir) {
  const root = resolve(dir);
  for (const entry of entries) {
    const path = resolve(root, entry.name);
    if (!path.startsWith(`${root}/`)) throw new Error(`zip entry ${entry.name} leaves ${root}`);
    if (entry.isDirectory) {
      mkdirSync(path, { recursive: true });
      continue;
    }
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, entry.data);
    chmodSync(path, entry.mode & 0o7777 || 0o644);
  }
  return realpathSync(root);
}
