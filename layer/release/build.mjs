// `make release`: turns the layer zips that layer/build.mjs wrote into versioned release artifacts.
//   credentials-sidecar-<version>-{x86_64,arm64,nodejs}.zip   the layer zips, renamed
//   container/                                                the container image's build context
//   credentials-sidecar-<version>-{x86_64,arm64}.oci.tar      the image itself, where buildah runs
//   config.schema.json                                        the config format, for editors
//   credentials-sidecar-<version>.tgz, credentials-sidecar-layer-{x86_64,arm64}-<version>.tgz
//                                                             the npm packages (layer/npm/pack.mjs)
//   SHA256SUMS                                                `sha256sum -c SHA256SUMS` checks them
// The version is package.json's. Nothing here reads the clock or the environment: the same layer
// zips and Dockerfile give byte-identical artifacts (the layer build is deterministic too).
// Usage: node layer/release/build.mjs [--dist DIR] [--out DIR] [--dockerfile FILE] [--image auto|always|never]
//                                      [--repository URL]
//   --dist        where layer/build.mjs wrote the zips, and the CLI and CDK builds their files (default dist/)
//   --out         the release folder (default dist/release/); replaced if it holds an earlier release
//   --dockerfile  the container image's Dockerfile (default layer/container/Dockerfile: a context with
//                 amd64/ and arm64/, the layer trees; TARGETARCH and ARCH given); skipped if the default is absent
//   --image       build the OCI images: auto (when buildah is installed), always, never
//   --repository  the GitHub URL the npm packages name (npm provenance requires it; the release workflow gives it)
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { packNpmPackages } from "../npm/pack.mjs";
import { listZip } from "../zip.mjs";
import { ARCHITECTURES, formatSums, imageName, LAYER_ZIPS, readVersion, zipName } from "./artifacts.mjs";
import { buildahMissing, buildImage, writeContext } from "./container.mjs";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const DEFAULT_DOCKERFILE = join(repo, "layer", "container", "Dockerfile");
const log = (line) => process.stdout.write(`${line}\n`);

const { values } = parseArgs({
  options: {
    dist: { type: "string", default: join(repo, "dist") },
    out: { type: "string" },
    dockerfile: { type: "string" },
    image: { type: "string", default: "auto" },
    repository: { type: "string" },
  },
});
const distDir = resolve(values.dist);
const outDir = resolve(values.out ?? join(distDir, "release"));

/** An empty release folder: an earlier release there (it has SHA256SUMS) is replaced, anything else refused. */
function freshOutDir() {
  if (existsSync(outDir) && readdirSync(outDir).length > 0) {
    if (!existsSync(join(outDir, "SHA256SUMS")))
      throw new Error(`${outDir} is not empty and holds no earlier release (no SHA256SUMS): not touching it`);
    rmSync(outDir, { recursive: true });
  }
  mkdirSync(outDir, { recursive: true });
}

/** The Dockerfile to build with, or undefined (with the reason logged) when there is none. */
function dockerfile() {
  if (values.dockerfile !== undefined) {
    const path = resolve(values.dockerfile);
    if (!existsSync(path)) throw new Error(`--dockerfile ${path} does not exist`);
    return path;
  }
  if (existsSync(DEFAULT_DOCKERFILE)) return DEFAULT_DOCKERFILE;
  log(`no ${DEFAULT_DOCKERFILE}: no container image context or image`);
  return undefined;
}

async function main() {
  if (!["auto", "always", "never"].includes(values.image))
    throw new Error(`--image ${values.image}: use auto, always or never`);
  const version = readVersion(repo);
  const zips = {};
  for (const [variant, file] of Object.entries(LAYER_ZIPS)) {
    const path = join(distDir, file);
    if (!existsSync(path)) throw new Error(`${path} is missing: run \`make layer\` first`);
    zips[variant] = readFileSync(path);
    // Refuses a truncated or foreign file.
    await listZip(zips[variant]).catch((error) => {
      throw new Error(`${path} is not a readable zip: ${error.message}`);
    });
  }
  freshOutDir();
  const artifacts = {};
  for (const [variant, data] of Object.entries(zips)) artifacts[zipName(version, variant)] = data;
  // For editors: `# yaml-language-server: $schema=./config.schema.json` beside a config.
  artifacts["config.schema.json"] = readFileSync(join(repo, "config.schema.json"));
  if (values.repository !== undefined && !/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+$/.test(values.repository))
    throw new Error(`--repository ${values.repository}: give https://github.com/<owner>/<name>`);
  Object.assign(artifacts, packNpmPackages({ repo, distDir, outDir, repository: values.repository }));

  const file = dockerfile();
  if (file) {
    const missing = values.image === "never" ? "--image never" : buildahMissing();
    if (missing && values.image === "always") throw new Error(`--image always, but ${missing}`);
    const context = join(outDir, "container");
    await writeContext(context, zips, file);
    log(
      `${context}: image build context (docker buildx build --platform linux/amd64,linux/arm64 ${context})`,
    );
    for (const arch of missing ? [] : ARCHITECTURES) {
      const archive = join(outDir, imageName(version, arch));
      buildImage({ context, arch, version, archive });
      artifacts[imageName(version, arch)] = readFileSync(archive);
    }
    if (missing) log(`no OCI images: ${missing}`);
  }

  for (const [name, data] of Object.entries(artifacts)) {
    if (!existsSync(join(outDir, name))) writeFileSync(join(outDir, name), data);
  }
  const sums = formatSums(artifacts);
  writeFileSync(join(outDir, "SHA256SUMS"), sums);
  log(`credentials-sidecar ${version}, in ${outDir}:`);
  process.stdout.write(sums);
}

try {
  await main();
} catch (error) {
  console.error(`release failed: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
}
