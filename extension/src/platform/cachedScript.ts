import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { builtin, nodeBinding } from "./builtins.js";

/**
 * Runs a CommonJS bundle with V8's code cache for it, when one that matches is at hand.
 *
 * Node's own compile cache (NODE_COMPILE_CACHE) serialises a module right after compiling it, so it
 * holds only the code V8 compiled eagerly; every function that runs later is compiled at every cold
 * start (fastify's load and set-up are mostly that). A cache taken from a `vm.Script` after a run
 * holds every function that ran. The layer's build makes it by running start-up once (the script
 * registers itself where its training hook finds it: TRAINING_REGISTRY) and ships it beside the bundle.
 * Both bundles run this way: the entry's (before `register`) and the rest of start-up.
 *
 * V8 checks only the source's length and its own version and flags before it uses a cache, and in
 * release builds no checksum: the cache file carries CRC-32s of the source it was made from and of
 * its own data, and anything that does not match is not given to V8 (the source is compiled as
 * usual). A CRC, not a cryptographic digest: what it guards against is a cache left from another
 * build or damaged on the way, not an attacker (who could as well write the bundle beside it), and it
 * costs microseconds before `register`, where node:crypto would cost milliseconds to load.
 */
export const CODE_CACHE_MAGIC = Buffer.from("CSV8CACHE2\n", "latin1");
const CHECK_BYTES = 4;
/** The cache file's header: magic, then the CRC-32s of the source and of the data. */
export const CODE_CACHE_HEADER_BYTES = CODE_CACHE_MAGIC.length + 2 * CHECK_BYTES;

/** Where the build's training run finds the scripts this process ran, to take their caches. */
export const TRAINING_REGISTRY = Symbol.for("credentials-sidecar.cachedScripts");

/** A script this process ran: `cacheFile` and the bytes that belong there now. */
export interface RanScript {
  readonly cacheFile: string;
  readonly cacheBytes: () => Buffer;
}

export type CacheUse = "accepted" | "rejected" | "none" | "mismatched";

export interface CachedScriptResult {
  readonly exports: unknown;
  /** What became of the cache: used by V8, refused by V8, absent, or not for this source. */
  readonly cache: CacheUse;
}

export type Crc32 = (data: Buffer, initial: number) => number;

/**
 * Node's CRC-32 (zlib's): the binding itself, as node:zlib's `crc32` calls it, since loading node:zlib
 * costs milliseconds before `register`; node:zlib's (`fallback`) where the binding is missing or
 * differs.
 */
export function chooseCrc32(binding: () => unknown, fallback: () => Crc32): Crc32 {
  let fromBinding: unknown;
  try {
    fromBinding = (binding() as { crc32?: unknown } | undefined)?.crc32;
  } catch {
    // No such binding in this node: the fallback.
  }
  return typeof fromBinding === "function" ? (fromBinding as Crc32) : fallback();
}

let crc32Function: Crc32 | undefined;
function crc32(data: Buffer): number {
  crc32Function ??= chooseCrc32(
    () => nodeBinding("zlib"),
    () => builtin("node:zlib").crc32 as Crc32,
  );
  return crc32Function(data, 0) >>> 0;
}

function crcBytes(data: Buffer): Buffer {
  const bytes = Buffer.alloc(CHECK_BYTES);
  bytes.writeUInt32BE(crc32(data));
  return bytes;
}

/** The cache file's bytes for `source`: magic, the source's CRC-32, the data's CRC-32, the data. */
export function encodeCodeCache(source: Buffer, data: Buffer): Buffer {
  return Buffer.concat([CODE_CACHE_MAGIC, crcBytes(source), crcBytes(data), data]);
}

/** The V8 data in `bytes` when it was made from `source` and is whole; else undefined. */
export function decodeCodeCache(bytes: Buffer, source: Buffer): Buffer | undefined {
  const header = CODE_CACHE_HEADER_BYTES;
  if (bytes.length <= header || !bytes.subarray(0, CODE_CACHE_MAGIC.length).equals(CODE_CACHE_MAGIC))
    return undefined;
  const forSource = bytes.readUInt32BE(CODE_CACHE_MAGIC.length);
  const dataCheck = bytes.readUInt32BE(CODE_CACHE_MAGIC.length + CHECK_BYTES);
  const data = bytes.subarray(header);
  if (forSource !== crc32(source) || dataCheck !== crc32(data)) return undefined;
  return data;
}

function readIfPresent(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * Runs `file` (a CommonJS bundle, with no `import()`: the build checks) as Node would `require`
 * it, with `cacheFile`'s code when it matches.
 */
export function runCachedScript(file: string, cacheFile: string): CachedScriptResult {
  const stored = readFileSync(file);
  // A bundle that ships compressed (extension/build.mjs): its check and cache are of the text.
  const source = file.endsWith(".br") ? builtin("node:zlib").brotliDecompressSync(stored) : stored;
  const cacheBytes = readIfPresent(cacheFile);
  const cachedData = cacheBytes === undefined ? undefined : decodeCodeCache(cacheBytes, source);
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source.toString("utf8")}\n})`;
  const { Script } = builtin("node:vm");
  const script = new Script(wrapped, {
    filename: file,
    ...(cachedData !== undefined ? { cachedData } : {}),
  });
  const registry = (globalThis as Record<symbol, RanScript[] | undefined>)[TRAINING_REGISTRY];
  registry?.push({ cacheFile, cacheBytes: () => encodeCodeCache(source, script.createCachedData()) });
  const module = { exports: {} as unknown };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  const cache: CacheUse =
    cacheBytes === undefined
      ? "none"
      : cachedData === undefined
        ? "mismatched"
        : script.cachedDataRejected === true
          ? "rejected"
          : "accepted";
  return { exports: module.exports, cache };
}

/** Where a bundle's code cache lives in the layer: code-cache/ beside chunks/. */
export function codeCacheFor(chunksDir: string, bundle: string): string {
  return join(dirname(chunksDir), "code-cache", `${bundle}.cjs.v8`);
}

/**
 * A bundle of chunks/ (extension/build.mjs: the two of start-up and SEPARATE_BUNDLES), run:
 * `fileName` is `<name>.cjs` or, compressed, `<name>.cjs.br`.
 */
export function runBundle(chunksDir: string, fileName: string): CachedScriptResult {
  const name = fileName.replace(/\.cjs(\.br)?$/, "");
  return runCachedScript(join(chunksDir, fileName), codeCacheFor(chunksDir, name));
}

const separateBundleUses: [bundle: string, cache: CacheUse][] = [];

/**
 * What the build puts where a bundle imports one of SEPARATE_BUNDLES. What became of the bundle's
 * code cache waits for start-up's logger (takeSeparateBundleUses).
 */
export function runSeparateBundle(chunksDir: string, fileName: string): unknown {
  const { exports, cache } = runBundle(chunksDir, fileName);
  separateBundleUses.push([fileName, cache]);
  return exports;
}

/** The separate bundles run since the last call, each with what became of its code cache. */
export function takeSeparateBundleUses(): [bundle: string, cache: CacheUse][] {
  return separateBundleUses.splice(0);
}
