import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../..", import.meta.url));

describe("committed build inputs", () => {
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
