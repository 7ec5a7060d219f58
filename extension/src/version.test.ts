import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { VERSION } from "./version.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("committed build inputs", () => {
  it("VERSION equals package.json's version", () => {
    const pkg = JSON.parse(readFileSync(`${root}package.json`, "utf8")) as { version: string };

    expect(VERSION).toBe(pkg.version);
  });

  it("the generated config validator is up to date with config.schema.json", () => {
    // Act: exits 1 (and execFileSync throws with its stderr) when the committed file is stale.
    const run = () =>
      execFileSync(process.execPath, ["extension/scripts/generate-validator.mjs", "--check"], {
        cwd: root,
        encoding: "utf8",
        stdio: "pipe",
      });

    // Assess
    expect(run).not.toThrow();
  });
});
