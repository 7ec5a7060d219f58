/**
 * The bundles (`make build`) take package.json's version and nothing else of it, so the extension
 * (parsed at every cold start) and the layer do not grow when the package lists another dev tool.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/extensionProcess.js";

const dist = join(REPO_ROOT, "dist");
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8"));

describe("the bundles and package.json", () => {
  it("the CLI prints package.json's version", () => {
    const printed = execFileSync(process.execPath, [join(dist, "cli.mjs"), "--version"], {
      encoding: "utf8",
    });
    expect(printed).toBe(`credentials-sidecar ${pkg.version}\n`);
  });

  it("no bundle file holds package.json's other fields", () => {
    const files = [
      "extension.mjs",
      "cli.mjs",
      ...readdirSync(join(dist, "chunks")).map((name) => join("chunks", name)),
    ];
    for (const file of files) {
      const text = readFileSync(join(dist, file), "utf8");
      // Its description, and the name of a dev tool no bundled package lists (some, like the AWS
      // SDK's, bring their own package.json with its devDependencies).
      for (const field of [pkg.description, "@action-validator/cli"]) {
        expect(text.includes(field), `${file} holds ${field}`).toBe(false);
      }
    }
  });
});
