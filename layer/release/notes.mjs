// Prints one version's section of CHANGELOG.md (the GitHub release's notes); fails when the
// changelog has none, so a release cannot go out undocumented.
// Usage: node layer/release/notes.mjs [VERSION]   (default: package.json's version)
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { changelogSection, readVersion } from "./artifacts.mjs";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const version = process.argv[2] ?? readVersion(repo);
const section = changelogSection(readFileSync(join(repo, "CHANGELOG.md"), "utf8"), version);
if (section === undefined) {
  console.error(`CHANGELOG.md has no "## [${version}]" section with any text: write one before releasing`);
  process.exitCode = 1;
} else {
  process.stdout.write(`${section}\n`);
}
