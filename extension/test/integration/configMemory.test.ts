/**
 * Config parsing is memory-bounded for every input up to the 1 MiB limit: seeded random mixes of flow
 * and block nesting, quotes, comments, anchors and aliases go through the bundled extension in a
 * 128 MB heap, whose peak RSS (process.resourceUsage().maxRSS, printed at exit by a preloaded
 * module) must stay under 160 MB, with a ConfigInvalid error naming a line or a key.
 * One process at a time: each burns a core for up to a second, and other files' tests measure time.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { startMockRuntimeApi } from "../../devkit/mockRuntimeApi/mockRuntimeApi.js";
import { MAX_CONFIG_BYTES } from "../../src/config/limits.js";
import { BUNDLE, startExtension } from "../support/extensionProcess.js";
import { seededRandom } from "../support/seededRandom.mjs";

const MAX_RSS_BYTES = 160 * 1024 * 1024;
const CASES = 16;
/** Prints the peak RSS as the process exits, whatever the exit path. */
const PEAK_RSS_REPORTER = `data:text/javascript,process.on("exit",()=>process.stderr.write("peak-rss-kb="+process.resourceUsage().maxRSS+"\\n"))`;
/** Every generated config is invalid even when it parses: it reaches init/error, never register. */
const HEAD = "not_a_config_key: ";

type Fragment = (n: number, indent: string) => string;
/** Opening fragments, and what closes each. */
const OPENERS: [Fragment, string][] = [
  [() => "[", "]"],
  [(n) => `{k${n}: `, "}"],
];
const FRAGMENTS: Fragment[] = [
  () => ", ",
  (_n, indent) => `\n${indent}- `,
  (n, indent) => `\n${indent}k${n}: `,
  (n, indent) => `\n${indent}? k${n}\n${indent}: `,
  () => "it's [ {",
  () => "'it''s [{ #'",
  () => '"a\\"[{ #"',
  () => " # [{'\"\n",
  (n) => `&a${n % 50} `,
  (n) => `*a${n % 50} `,
  () => "word",
  (_n, indent) => `|\n${indent}  text [{\n`,
  () => "\n",
];

/**
 * A random mix: openers, closers (only of what is open, mostly), other fragments; each either once
 * or repeated thousands of times, to go deep or wide quickly.
 */
function generate(random: () => number, size: number): string {
  const parts = [HEAD];
  const open: string[] = [];
  let length = HEAD.length;
  let n = 0;
  // Per input: how often collections open and close; more closers than openers keeps it shallow.
  const openShare = 0.02 + random() * 0.2;
  const closeShare = openShare * (0.6 + random() * 0.8);
  const emit = (text: string) => {
    parts.push(text);
    length += text.length;
  };
  while (length < size) {
    const times = random() < 0.2 ? 1 + Math.floor(random() * 50_000) : 1;
    const roll = random();
    for (let i = 0; i < times && length < size; i++) {
      if (roll < openShare) {
        const [opener, closer] = OPENERS[Math.floor(random() * OPENERS.length)] as [Fragment, string];
        emit(opener(n++, ""));
        open.push(closer);
      } else if (roll < openShare + closeShare) {
        // A stray closer now and then: broken files are inputs too.
        emit(open.pop() ?? (random() < 0.1 ? "]" : ""));
      } else {
        const fragment = FRAGMENTS[Math.floor(random() * FRAGMENTS.length)] as Fragment;
        emit(fragment(n++, " ".repeat(Math.floor(random() * 8))));
      }
    }
  }
  return parts.join("").slice(0, size);
}

/** `unit` repeated to the size limit after `head`. */
const fill = (head: string, unit: (i: number) => string) => {
  const parts = [HEAD, head];
  let length = HEAD.length + head.length;
  for (let i = 0; length < MAX_CONFIG_BYTES; i++) {
    const text = unit(i);
    parts.push(text);
    length += text.length;
  }
  return parts.join("").slice(0, MAX_CONFIG_BYTES);
};

/** Fixed shapes at 1 MiB, each aimed at one limit: the random mixes mostly end at the depth limit. */
const SHAPES: [string, string][] = [
  ["flow brackets", fill("", () => "[")],
  ["block sequences", fill("\n", () => "- ")],
  ["block mappings, one level per line", fill("\n", (i) => `${" ".repeat(i % 2000)}k:\n`)],
  ["a quote in a plain scalar, then brackets", fill("it's ", () => "[")],
  ["a wide flow sequence", fill("[", () => "a, ")],
  ["a wide block mapping", fill("\n", (i) => `  k${i}: v\n`)],
  [
    "small mappings up to the token limit",
    // Groups of 500 under top-level keys: no one mapping reaches the item limit.
    fill("\n", (i) => `${i % 500 === 0 ? `g${i}:\n` : ""}  k${i}: {a: b, c: d, e: f}\n`),
  ],
  ["only comments", fill("\n", () => "# [{'\"\n")],
  ["anchors and aliases", fill("\n", (i) => `  k${i}: [&a${i} x, *a${i}, *a${i}]\n`)],
  ["adjacent quoted scalars (an error per token)", fill("", () => '"a\\"[{ #"')],
];

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "config-memory-"));
});

/** Runs the bundle on `config` in a 128 MB heap; returns its init/error message, peak RSS and exit. */
async function runBundle(config: string) {
  const path = join(mkdtempSync(join(scratch, "config-")), "config.yaml");
  writeFileSync(path, config);
  const runtime = await startMockRuntimeApi();
  const sidecar = await startExtension({
    env: {
      AWS_LAMBDA_RUNTIME_API: runtime.address,
      AWS_REGION: "eu-west-1",
      CREDENTIALS_SIDECAR_CONFIG: path,
    },
    command: [process.execPath, "--max-old-space-size=128", "--import", PEAK_RSS_REPORTER, BUNDLE],
  });
  try {
    const exit = await sidecar.exited(30_000);
    const peak = /peak-rss-kb=(\d+)/.exec(sidecar.output());
    const error = runtime.errors[0];
    return {
      exit,
      peakRssBytes: peak ? Number(peak[1]) * 1024 : Number.NaN,
      errorType: error?.errorType,
      message: (error?.body as { errorMessage?: string } | undefined)?.errorMessage ?? "",
      output: sidecar.output(),
    };
  } finally {
    sidecar.kill();
    await runtime.close();
  }
}

describe("config parsing memory, in the bundled extension with a 128 MB heap", () => {
  const random = seededRandom(20261101);
  const inputs = Array.from({ length: CASES }, (_, i) => {
    // Half of them at the size limit, the rest anywhere below it.
    const size = i % 2 === 0 ? MAX_CONFIG_BYTES : 1024 + Math.floor(random() * MAX_CONFIG_BYTES);
    return [i, size, generate(random, size)] as const;
  });

  it.each(inputs)(
    "random mix #%i (%i bytes): ConfigInvalid naming a line or key, peak RSS under 160 MB",
    async (_i, _size, config) => expectBounded(config),
    60_000,
  );

  it.each(SHAPES)(
    "%s, 1 MiB: ConfigInvalid naming a line or key, peak RSS under 160 MB",
    async (_name, config) => expectBounded(config),
    60_000,
  );
});

async function expectBounded(config: string): Promise<void> {
  // Act
  const run = await runBundle(config);

  // Assess
  expect(run.output).not.toMatch(/heap out of memory|Maximum call stack|TimeoutOverflowWarning/);
  expect(run.exit.code, run.output.slice(-2000)).toBe(1);
  expect(run.errorType).toBe("Extension.ConfigInvalid");
  expect(run.message).toMatch(/line \d+|not_a_config_key: is not a known key/);
  expect(run.peakRssBytes).toBeLessThan(MAX_RSS_BYTES);
}
