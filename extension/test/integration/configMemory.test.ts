/**
 * Config parsing is memory-bounded for every input up to the 1 MiB limit: seeded random mixes of flow
 * and block nesting, quotes, comments, anchors and aliases go through the bundled extension in a
 * 128 MB heap, whose peak RSS (process.resourceUsage().maxRSS, printed at exit by a preloaded
 * module) must stay under 160 MB, with a ConfigInvalid error naming a line or a key.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_CONFIG_BYTES } from "../../src/config/limits.js";
import { startMockRuntimeApi } from "../../src/local/mockRuntimeApi.js";
import { BUNDLE, startExtension } from "../support/extensionProcess.js";
import { seededRandom } from "../support/seededRandom.mjs";

const MAX_RSS_BYTES = 160 * 1024 * 1024;
const CASES = Number(process.env.CONFIG_MEMORY_CASES ?? 16);
/** Prints the peak RSS as the process exits, whatever the exit path. */
const PEAK_RSS_REPORTER = `data:text/javascript,process.on("exit",()=>process.stderr.write("peak-rss-kb="+process.resourceUsage().maxRSS+"\\n"))`;
/** Every generated config is invalid even when it parses: it reaches init/error, never register. */
const HEAD = "not_a_config_key: ";

type Fragment = (n: number, indent: string) => string;
const FRAGMENTS: Fragment[] = [
  () => "[",
  () => "]",
  (n) => `{k${n}: `,
  () => "}",
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

/** A random mix: single fragments, or one repeated thousands of times (deep or wide quickly). */
function generate(random: () => number, size: number): string {
  const parts = [HEAD];
  let length = HEAD.length;
  let n = 0;
  while (length < size) {
    const fragment = FRAGMENTS[Math.floor(random() * FRAGMENTS.length)] as Fragment;
    const indent = " ".repeat(Math.floor(random() * 8));
    const times = random() < 0.2 ? 1 + Math.floor(random() * 50_000) : 1;
    for (let i = 0; i < times && length < size; i++) {
      const text = fragment(n++, indent);
      parts.push(text);
      length += text.length;
    }
  }
  return parts.join("").slice(0, size);
}

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "config-memory-"));
});

/** Runs the bundle on `config` in a 128 MB heap; returns its init/error message, peak RSS and exit. */
async function runBundle(config: string) {
  const path = join(scratch, `config-${Math.random().toString(36).slice(2)}.yaml`);
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
  const random = seededRandom(Number(process.env.CONFIG_MEMORY_SEED ?? 20261101));
  const inputs = Array.from({ length: CASES }, (_, i) => {
    // Half of them at the size limit, the rest anywhere below it.
    const size = i % 2 === 0 ? MAX_CONFIG_BYTES : 1024 + Math.floor(random() * MAX_CONFIG_BYTES);
    return [i, size, generate(random, size)] as const;
  });

  it.concurrent.each(inputs)(
    "random mix #%i (%i bytes): ConfigInvalid naming a line or key, peak RSS under 160 MB",
    async (_i, _size, config) => {
      if (process.env.DUMP_CONFIGS) writeFileSync(`${process.env.DUMP_CONFIGS}/case${_i}.yaml`, config);
      // Act
      const run = await runBundle(config);

      // Assess
      expect(run.output).not.toMatch(/heap out of memory|Maximum call stack|TimeoutOverflowWarning/);
      expect(run.exit.code, run.output.slice(-2000)).toBe(1);
      expect(run.errorType).toBe("Extension.ConfigInvalid");
      expect(run.message).toMatch(/line \d+|not_a_config_key: is not a known key/);
      expect(run.peakRssBytes).toBeLessThan(MAX_RSS_BYTES);
    },
    60_000,
  );
});
