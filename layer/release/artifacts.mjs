// What a release is made of: the version (package.json's, the only place it is written), the file
// name of each artifact, and the SHA256SUMS listing. Pure functions but readVersion.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The layer zips layer/build.mjs writes, by variant; the variant is also the artifact's suffix. */
export const LAYER_ZIPS = {
  x86_64: "layer-x86_64.zip",
  arm64: "layer-arm64.zip",
  nodejs: "layer-nodejs.zip",
};
/** Variants that carry their own node, and so are built as container images too. */
export const ARCHITECTURES = ["x86_64", "arm64"];
/** OCI platform names of the architectures (Lambda's names differ from Go's). */
export const OCI_ARCH = { x86_64: "amd64", arm64: "arm64" };

// Semantic version without build metadata (a `+` cannot appear in a Lambda layer description's
// consumers' tags, nor in every file system's names).
const VERSION = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$/;

/** Checks a version string; returns it. */
export function checkVersion(version, where = "package.json") {
  if (typeof version !== "string" || !VERSION.test(version)) {
    throw new Error(`${where}: version ${JSON.stringify(version)} is not a semantic version like 1.2.3`);
  }
  return version;
}

/** The version in the repository's package.json. */
export function readVersion(repo) {
  const path = join(repo, "package.json");
  return checkVersion(JSON.parse(readFileSync(path, "utf8")).version, path);
}

/** `credentials-sidecar-1.2.3-arm64.zip` */
export function zipName(version, variant) {
  return `credentials-sidecar-${version}-${variant}.zip`;
}

/** `credentials-sidecar-1.2.3-arm64.oci.tar`: the container extension image as an OCI archive. */
export function imageName(version, arch) {
  return `credentials-sidecar-${version}-${arch}.oci.tar`;
}

export function sha256(data) {
  return createHash("sha256").update(data).digest("hex");
}

/** `sha256sum` output for the given files (name → bytes), sorted by name, so `sha256sum -c` reads it. */
export function formatSums(files) {
  return Object.entries(files)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, data]) => `${sha256(data)}  ${name}\n`)
    .join("");
}

/** Parses SHA256SUMS back into name → hex digest; refuses lines it does not understand. */
export function parseSums(text, where = "SHA256SUMS") {
  const sums = new Map();
  text.split("\n").forEach((line, i) => {
    if (line === "") return;
    const match = /^([0-9a-f]{64}) [ *](\S+)$/.exec(line);
    if (!match) throw new Error(`${where}:${i + 1}: not a "<sha256>  <file>" line`);
    sums.set(match[2], match[1]);
  });
  return sums;
}

/** The text under `## [version]` in a Keep a Changelog file, trimmed; undefined when absent or empty. */
export function changelogSection(changelog, version) {
  const lines = changelog.split("\n");
  const start = lines.findIndex((line) => line.startsWith(`## [${version}]`));
  if (start < 0) return undefined;
  const end = lines.findIndex((line, i) => i > start && line.startsWith("## "));
  const text = lines
    .slice(start + 1, end < 0 ? undefined : end)
    .join("\n")
    .trim();
  return text === "" ? undefined : text;
}
