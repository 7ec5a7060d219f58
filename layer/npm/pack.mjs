// The npm packages of a release, packed with `npm pack` from staging folders:
//   credentials-sidecar-<version>.tgz                   the CLI, the CDK construct (credentials-sidecar/cdk),
//                                                       config.schema.json, layer-nodejs.zip
//   credentials-sidecar-layer-<arch>-<version>.tgz      @credentials-sidecar/layer-<arch>: layer.zip
// Every built file comes from `distDir` (the folder layer/build.mjs and layer/cdk/build.mjs wrote),
// the rest from the repository; nothing reads the clock, so the same inputs give the same tarballs.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LAYER_PACKAGE_ZIP, LAYER_PACKAGES } from "./layerPackages.mjs";

/** package.json of the main package: the repository's, without what only a clone uses. */
export function mainManifest(repoManifest, repository) {
  const { devDependencies, scripts, private: _private, ...manifest } = repoManifest;
  return repository === undefined ? manifest : { ...manifest, repository: gitRepository(repository) };
}

/** package.json of a layer package; no `cpu` field: the Lambda's architecture is not this machine's. */
export function layerManifest(arch, version, repository) {
  return {
    name: LAYER_PACKAGES[arch],
    version,
    description: `The credentials-sidecar Lambda layer for ${arch} functions, as a zip (the credentials-sidecar CDK construct finds it)`,
    license: "Apache-2.0",
    keywords: ["aws-lambda", "lambda-layer", "lambda-extension", "credentials-sidecar"],
    ...(repository === undefined ? {} : { repository: gitRepository(repository) }),
    exports: {
      ".": { types: "./index.d.ts", default: "./index.cjs" },
      "./layer.zip": "./layer.zip",
      "./package.json": "./package.json",
    },
    main: "index.cjs",
    types: "index.d.ts",
    files: ["index.cjs", "index.d.ts", LAYER_PACKAGE_ZIP],
  };
}

const LAYER_INDEX = (arch) => `"use strict";
// The layer zip's path, the way @aws-cdk/asset-* packages give theirs.
exports.ASSET_FILE = require("node:path").join(__dirname, ${JSON.stringify(LAYER_PACKAGE_ZIP)});
exports.ARCHITECTURE = ${JSON.stringify(arch)};
`;
const LAYER_TYPES = (arch) => `/** Absolute path of the layer zip in this package. */
export declare const ASSET_FILE: string;
/** The Lambda architecture the layer's node is built for. */
export declare const ARCHITECTURE: ${JSON.stringify(arch)};
`;
const LAYER_README = (arch, name, version) => `# ${name}

The [credentials-sidecar](https://www.npmjs.com/package/credentials-sidecar) Lambda layer for
\`${arch}\` functions (the extension, its exec wrapper and its own Node.js), as \`layer.zip\`.
The \`CredentialsSidecar\` CDK construct (\`credentials-sidecar/cdk\`) finds it when it is installed:

\`\`\`sh
npm install credentials-sidecar@${version} ${name}@${version}
\`\`\`

\`require("${name}").ASSET_FILE\` is the zip's path, for other tools. Its version must be
credentials-sidecar's.
`;

/** `https://github.com/o/r` → npm's repository object (provenance checks it names the repository). */
function gitRepository(url) {
  return { type: "git", url: `git+${url.replace(/\.git$/, "")}.git` };
}

function copyInto(staging, files) {
  for (const [to, from] of Object.entries(files)) {
    if (!existsSync(from)) throw new Error(`${from} is missing: run \`make layer cdk\` first`);
    mkdirSync(join(staging, to, ".."), { recursive: true });
    cpSync(from, join(staging, to), { recursive: true });
  }
}

function npmPack(staging, outDir) {
  const result = spawnSync(
    "npm",
    ["pack", staging, "--pack-destination", outDir, "--json", "--ignore-scripts"],
    {
      encoding: "utf8",
      env: { ...process.env, npm_config_update_notifier: "false", npm_config_fund: "false" },
    },
  );
  if (result.status !== 0) throw new Error(`npm pack ${staging} failed: ${result.stderr || result.error}`);
  const [packed] = JSON.parse(result.stdout);
  return packed.filename;
}

/**
 * Packs the main package and one layer package per architecture into `outDir`; returns file name → bytes.
 * `repository`: the GitHub URL written into each package.json (npm provenance requires it), if any.
 */
export function packNpmPackages({ repo, distDir, outDir, repository }) {
  const repoManifest = JSON.parse(readFileSync(join(repo, "package.json"), "utf8"));
  const { version } = repoManifest;
  const staging = mkdtempSync(join(tmpdir(), "credentials-sidecar-npm-"));
  const packed = {};
  try {
    const main = join(staging, "credentials-sidecar");
    const manifest = mainManifest(repoManifest, repository);
    const files = { "README.md": join(repo, "README.md"), LICENSE: join(repo, "LICENSE") };
    for (const entry of manifest.files) {
      files[entry] = entry.startsWith("dist/") ? join(distDir, entry.slice(5)) : join(repo, entry);
    }
    copyInto(main, files);
    writeFileSync(join(main, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    for (const arch of Object.keys(LAYER_PACKAGES)) {
      const dir = join(staging, `layer-${arch}`);
      copyInto(dir, {
        [LAYER_PACKAGE_ZIP]: join(distDir, `layer-${arch}.zip`),
        LICENSE: join(repo, "LICENSE"),
      });
      const layer = layerManifest(arch, version, repository);
      writeFileSync(join(dir, "package.json"), `${JSON.stringify(layer, null, 2)}\n`);
      writeFileSync(join(dir, "index.cjs"), LAYER_INDEX(arch));
      writeFileSync(join(dir, "index.d.ts"), LAYER_TYPES(arch));
      writeFileSync(join(dir, "README.md"), LAYER_README(arch, layer.name, version));
    }
    for (const dir of ["credentials-sidecar", ...Object.keys(LAYER_PACKAGES).map((a) => `layer-${a}`)]) {
      const name = npmPack(join(staging, dir), outDir);
      packed[name] = readFileSync(join(outDir, name));
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return packed;
}
