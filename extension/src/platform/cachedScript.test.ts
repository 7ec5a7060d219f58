import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Script } from "node:vm";
import { brotliCompressSync, crc32 } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  CODE_CACHE_HEADER_BYTES,
  CODE_CACHE_MAGIC,
  chooseCrc32,
  codeCacheFor,
  decodeCodeCache,
  encodeCodeCache,
  type RanScript,
  runBundle,
  runCachedScript,
  runSeparateBundle,
  TRAINING_REGISTRY,
  takeSeparateBundleUses,
} from "./cachedScript.js";

// A CommonJS bundle as the build writes one: module.exports, require of a built-in, __dirname.
const BUNDLE = `"use strict";
const { sep } = require("node:path");
function twice(n) { return n * 2; }
module.exports = { twice, dir: __dirname, sep, self: this === module.exports };
`;

let dir = "";
let chunks = "";
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "cached-script-"));
  chunks = join(dir, "chunks");
  mkdirSync(chunks);
  mkdirSync(join(dir, "code-cache"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  delete (globalThis as Record<symbol, unknown>)[TRAINING_REGISTRY];
});

/** The cache the build's training hook would write for `source`, after running `twice`. */
function trainedCache(source: string): Buffer {
  const ran: RanScript[] = [];
  (globalThis as Record<symbol, unknown>)[TRAINING_REGISTRY] = ran;
  writeFileSync(join(dir, "training.cjs"), source);
  const { exports } = runCachedScript(join(dir, "training.cjs"), join(dir, "none.v8"));
  (exports as { twice(n: number): number }).twice(1);
  delete (globalThis as Record<symbol, unknown>)[TRAINING_REGISTRY];
  expect(ran).toHaveLength(1);
  return (ran[0] as RanScript).cacheBytes();
}

describe("runCachedScript", () => {
  it("runs a CommonJS bundle: exports, require of built-ins, __dirname, `this`", () => {
    writeFileSync(join(chunks, "rest.cjs"), BUNDLE);
    const { exports, cache } = runBundle(chunks, "rest.cjs");
    const loaded = exports as { twice(n: number): number; dir: string; sep: string; self: boolean };
    expect(loaded.twice(21)).toBe(42);
    expect(loaded.dir).toBe(chunks);
    expect(loaded.sep).toBe("/");
    expect(loaded.self).toBe(true);
    expect(cache).toBe("none");
  });

  it("gives V8 a cache made from the same bundle, which V8 accepts", () => {
    writeFileSync(join(chunks, "rest.cjs"), BUNDLE);
    writeFileSync(codeCacheFor(chunks, "rest"), trainedCache(BUNDLE));
    const { exports, cache } = runBundle(chunks, "rest.cjs");
    expect(cache).toBe("accepted");
    expect((exports as { twice(n: number): number }).twice(4)).toBe(8);
  });

  // V8 itself checks only the source's length: a cache for other text of the same length would be
  // taken, and run the old code. The CRC catches it; the control shows V8 alone would not.
  it("does not give V8 a cache made from other text of the same length, and runs the text it has", () => {
    const other = BUNDLE.replace("n * 2", "n * 3");
    expect(other.length).toBe(BUNDLE.length);
    const cache = trainedCache(other);
    writeFileSync(join(chunks, "rest.cjs"), BUNDLE);
    writeFileSync(codeCacheFor(chunks, "rest"), cache);
    const result = runBundle(chunks, "rest.cjs");
    expect(result.cache).toBe("mismatched");
    expect((result.exports as { twice(n: number): number }).twice(4)).toBe(8);

    // Control: handed to V8 directly, the same data is accepted for the other text.
    const wrapped = (text: string) =>
      `(function (exports, require, module, __filename, __dirname) {${text}\n})`;
    const data = cache.subarray(CODE_CACHE_HEADER_BYTES);
    const direct = new Script(wrapped(BUNDLE), { filename: join(chunks, "rest.cjs"), cachedData: data });
    expect(direct.cachedDataRejected).toBe(false);
  });

  it.each([
    [
      "a flipped byte in the data",
      (c: Buffer) => c.fill((c.at(-10) ?? 0) ^ 0xff, c.length - 10, c.length - 9),
    ],
    ["cut short", (c: Buffer) => c.subarray(0, c.length - 100)],
    ["only its header", (c: Buffer) => c.subarray(0, CODE_CACHE_HEADER_BYTES)],
    ["no magic", (c: Buffer) => c.fill(0, 0, 4)],
    ["empty", () => Buffer.alloc(0)],
  ])("refuses a damaged cache file (%s) and compiles the bundle instead", (_, damage) => {
    writeFileSync(join(chunks, "rest.cjs"), BUNDLE);
    writeFileSync(codeCacheFor(chunks, "rest"), damage(Buffer.from(trainedCache(BUNDLE))));
    const { exports, cache } = runBundle(chunks, "rest.cjs");
    expect(cache).toBe("mismatched");
    expect((exports as { twice(n: number): number }).twice(5)).toBe(10);
  });

  it("reports a cache V8 refuses (made by another V8, here: a forged version field) and still runs", () => {
    writeFileSync(join(chunks, "rest.cjs"), BUNDLE);
    const data = Buffer.from(trainedCache(BUNDLE).subarray(CODE_CACHE_HEADER_BYTES));
    data.writeUInt32LE(data.readUInt32LE(4) ^ 1, 4); // V8's header: magic number, then version hash
    writeFileSync(codeCacheFor(chunks, "rest"), encodeCodeCache(Buffer.from(BUNDLE), data));
    const { exports, cache } = runBundle(chunks, "rest.cjs");
    expect(cache).toBe("rejected");
    expect((exports as { twice(n: number): number }).twice(6)).toBe(12);
  });

  it("runs a Brotli-compressed bundle (.cjs.br), its cache keyed to the text", () => {
    writeFileSync(join(chunks, "sdk.cjs.br"), brotliCompressSync(Buffer.from(BUNDLE)));
    expect(runBundle(chunks, "sdk.cjs.br").cache).toBe("none");
    writeFileSync(codeCacheFor(chunks, "sdk"), trainedCache(BUNDLE));
    const { exports, cache } = runBundle(chunks, "sdk.cjs.br");
    expect(cache).toBe("accepted");
    expect((exports as { twice(n: number): number }).twice(7)).toBe(14);
  });

  it("throws what the bundle throws, and a bundle that does not parse is a SyntaxError", () => {
    writeFileSync(join(chunks, "throws.cjs"), 'throw new Error("broken bundle");');
    expect(() => runBundle(chunks, "throws.cjs")).toThrow("broken bundle");
    writeFileSync(join(chunks, "cut.cjs"), BUNDLE.slice(0, 60));
    expect(() => runBundle(chunks, "cut.cjs")).toThrow(SyntaxError);
    expect(() => runBundle(chunks, "missing.cjs")).toThrow(/ENOENT/);
  });
});

describe("runSeparateBundle", () => {
  it("returns the bundle's exports and keeps what became of each cache for start-up's log", () => {
    writeFileSync(join(chunks, "yaml.cjs"), BUNDLE);
    writeFileSync(join(chunks, "sdk.cjs"), BUNDLE);
    writeFileSync(codeCacheFor(chunks, "sdk"), trainedCache(BUNDLE));
    takeSeparateBundleUses(); // whatever an earlier test left

    expect((runSeparateBundle(chunks, "yaml.cjs") as { twice(n: number): number }).twice(2)).toBe(4);
    runSeparateBundle(chunks, "sdk.cjs");

    expect(takeSeparateBundleUses()).toEqual([
      ["yaml.cjs", "none"],
      ["sdk.cjs", "accepted"],
    ]);
    expect(takeSeparateBundleUses()).toEqual([]);
  });
});

describe("the cache file's format", () => {
  it("round-trips, and is bound to the source it was made from", () => {
    const source = Buffer.from(BUNDLE);
    const data = Buffer.from("v8 data stand-in");
    const file = encodeCodeCache(source, data);
    expect(decodeCodeCache(file, source)?.equals(data)).toBe(true);
    expect(decodeCodeCache(file, Buffer.from(BUNDLE.replace("n * 2", "n * 3")))).toBeUndefined();
    // The checks are node:zlib's CRC-32 (taken from its binding): the header matches the public API.
    expect(file.subarray(0, CODE_CACHE_MAGIC.length).equals(CODE_CACHE_MAGIC)).toBe(true);
    expect(file.readUInt32BE(CODE_CACHE_MAGIC.length)).toBe(crc32(source));
    expect(file.readUInt32BE(CODE_CACHE_MAGIC.length + 4)).toBe(crc32(data));
    expect(file.subarray(CODE_CACHE_HEADER_BYTES).equals(data)).toBe(true);
  });
});

describe("the CRC-32", () => {
  const data = Buffer.from(BUNDLE);
  const fallback = () => crc32 as (data: Buffer, initial: number) => number;

  it("is node's zlib binding's where it has one, the same function node:zlib's crc32 calls", () => {
    const binding = (process as unknown as { binding(name: string): { crc32?: unknown } }).binding("zlib");
    const chosen = chooseCrc32(() => binding, fallback);
    // Control: this node's binding has it, so the binding's own function was taken, not the fallback.
    expect(typeof binding.crc32).toBe("function");
    expect(chosen).toBe(binding.crc32);
    expect(chosen(data, 0) >>> 0).toBe(crc32(data));
  });

  it.each([
    [
      "a binding that throws",
      () => {
        throw new Error("No such binding: zlib");
      },
    ],
    ["a binding without crc32", () => ({})],
    ["a binding whose crc32 is not a function", () => ({ crc32: 42 })],
    ["no binding", () => undefined],
  ])("is node:zlib's with %s", (_, binding) => {
    expect(chooseCrc32(binding, fallback)).toBe(crc32);
  });
});
