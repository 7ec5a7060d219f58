import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { builtin } from "./builtins.js";

/**
 * Runs a CommonJS bundle with V8's code cache for it, when one that matches is at hand.
 *
 * Node's own compile cache (NODE_COMPILE_CACHE) serialises a module right after compiling it, so it
 * holds only the code V8 compiled eagerly; every function that runs later is compiled at every cold
 * start (fastify's load and set-up are mostly that). A cache taken from a `vm.Script` after a run
 * holds every function that ran. The layer's build makes it by running start-up once (the script
 * registers itself where its training hook finds it: TRAINING_REGISTRY) and ships it beside the bundle.
 *
 * V8 checks only the source's length and its own version and flags before it uses a cache, and in
 * release builds no checksum: the cache file carries SHA-256 digests of the source it was made from
 * and of its own data, and anything that does not match is not given to V8 (the source is compiled
 * as usual).
 */
export const CODE_CACHE_MAGIC = Buffer.from("CSV8CACHE1\n", "latin1");
const DIGEST_BYTES = 32;

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

// node:crypto, node:vm and node:zlib are loaded when first used (builtins.ts): this module is part of
// what runs before `register`.
const sha256 = (data: Buffer) => builtin("node:crypto").createHash("sha256").update(data).digest();

/** The cache file's bytes for `source`: magic, the source's digest, the data's digest, the data. */
export function encodeCodeCache(source: Buffer, data: Buffer): Buffer {
  return Buffer.concat([CODE_CACHE_MAGIC, sha256(source), sha256(data), data]);
}

/** The V8 data in `file` when it was made from `sourceDigest`'s source and is whole; else undefined. */
export function decodeCodeCache(bytes: Buffer, sourceDigest: Buffer): Buffer | undefined {
  const header = CODE_CACHE_MAGIC.length + 2 * DIGEST_BYTES;
  if (bytes.length <= header || !bytes.subarray(0, CODE_CACHE_MAGIC.length).equals(CODE_CACHE_MAGIC))
    return undefined;
  const forSource = bytes.subarray(CODE_CACHE_MAGIC.length, CODE_CACHE_MAGIC.length + DIGEST_BYTES);
  const dataDigest = bytes.subarray(CODE_CACHE_MAGIC.length + DIGEST_BYTES, header);
  const data = bytes.subarray(header);
  if (!forSource.equals(sourceDigest) || !sha256(data).equals(dataDigest)) return undefined;
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
  // A bundle that ships compressed (extension/build.mjs): its digest and cache are of the text.
  const source = file.endsWith(".br") ? builtin("node:zlib").brotliDecompressSync(stored) : stored;
  const sourceDigest = sha256(source);
  const cacheBytes = readIfPresent(cacheFile);
  const cachedData = cacheBytes === undefined ? undefined : decodeCodeCache(cacheBytes, sourceDigest);
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
 * A bundle of chunks/ (extension/build.mjs: the after-`register` one and SEPARATE_BUNDLES), run:
 * `fileName` is `<name>.cjs` or, compressed, `<name>.cjs.br`.
 */
export function runBundle(chunksDir: string, fileName: string): CachedScriptResult {
  const name = fileName.replace(/\.cjs(\.br)?$/, "");
  return runCachedScript(join(chunksDir, fileName), codeCacheFor(chunksDir, name));
}

/** What the build puts where a bundle imports one of SEPARATE_BUNDLES. */
export function runSeparateBundle(chunksDir: string, fileName: string): unknown {
  return runBundle(chunksDir, fileName).exports;
}
