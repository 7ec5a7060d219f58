// Publishes the npm packages `make release` packed (the .tgz files SHA256SUMS lists, checked against
// it): the layer packages first, so that credentials-sidecar's optional peers exist when it appears.
// A version the registry already has is skipped, so a failed release can be run again.
// Usage: node layer/release/npmPublish.mjs [--dir DIR] [--provenance] [--dry-run]
//   --dir         the release folder (default dist/release/)
//   --provenance  sign where and how the packages were built (npm provenance; GitHub Actions with id-token: write)
//   --dry-run     npm publish --dry-run: everything but the upload (what the tests run)
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { parseSums, sha256 } from "./artifacts.mjs";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const { values } = parseArgs({
  options: {
    dir: { type: "string", default: join(repo, "dist", "release") },
    provenance: { type: "boolean", default: false },
    "dry-run": { type: "boolean", default: false },
  },
});
const dir = resolve(values.dir);
const npmEnv = { ...process.env, npm_config_update_notifier: "false", npm_config_fund: "false" };

function npm(args) {
  return spawnSync("npm", args, { encoding: "utf8", env: npmEnv, maxBuffer: 16 * 1024 * 1024 });
}

/** name and version from the tarball's package/package.json. */
function manifestOf(tarball) {
  const result = spawnSync("tar", ["-xzOf", tarball, "package/package.json"], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${tarball}: no package/package.json (${result.stderr.trim()})`);
  const { name, version } = JSON.parse(result.stdout);
  return { name, version };
}

function main() {
  const sums = parseSums(readFileSync(join(dir, "SHA256SUMS"), "utf8"), join(dir, "SHA256SUMS"));
  const tarballs = [...sums.keys()].filter((name) => name.endsWith(".tgz"));
  if (tarballs.length === 0) throw new Error(`${dir}/SHA256SUMS lists no .tgz: run \`make release\``);
  const packages = tarballs.map((file) => {
    const path = join(dir, file);
    if (sha256(readFileSync(path)) !== sums.get(file)) throw new Error(`${path} does not match SHA256SUMS`);
    return { path, ...manifestOf(path) };
  });
  packages.sort((a, b) => Number(!a.name.startsWith("@")) - Number(!b.name.startsWith("@")));
  for (const { path, name, version } of packages) {
    if (!values["dry-run"] && npm(["view", `${name}@${version}`, "version"]).stdout.trim() === version) {
      process.stdout.write(`${name}@${version} is already published: skipped\n`);
      continue;
    }
    const args = ["publish", path, "--access", "public"];
    if (values.provenance) args.push("--provenance");
    if (values["dry-run"]) args.push("--dry-run");
    const result = npm(args);
    if (result.status !== 0) throw new Error(`npm ${args.join(" ")} failed:\n${result.stderr}`);
    process.stdout.write(
      `${name}@${version}: ${values["dry-run"] ? "would be published (dry run)" : "published"}\n`,
    );
  }
}

try {
  main();
} catch (error) {
  console.error(`npm publish failed: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
}
