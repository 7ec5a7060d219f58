// Builds the CDK construct as the package's `credentials-sidecar/cdk` entry point: dist/cdk/credentialsSidecar.mjs
// (the construct and the extension's config validator in one file; aws-cdk-lib, constructs and yaml come
// from the app that imports it) and its type declarations under dist/cdk/types/.
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { packageVersionOnly } from "../../extension/build.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const out = `${root}/dist/cdk`;
rmSync(out, { recursive: true, force: true });

await esbuild.build({
  entryPoints: [`${root}/layer/cdk/credentialsSidecar.ts`],
  outfile: `${out}/credentialsSidecar.mjs`,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // Peer dependencies and the package's own dependency: one copy each, the app's. Two copies of
  // aws-cdk-lib would make the app's constructs foreign to the sidecar's.
  external: ["aws-cdk-lib", "aws-cdk-lib/*", "constructs", "yaml"],
  logLevel: "warning",
  // The version (the layer package it looks for must match), not the whole package.json.
  plugins: [packageVersionOnly],
});

const tsc = spawnSync(
  `${root}/node_modules/.bin/tsc`,
  [
    "--ignoreConfig",
    "--declaration",
    "--emitDeclarationOnly",
    "--skipLibCheck",
    "--strict",
    "--module",
    "NodeNext",
    "--moduleResolution",
    "NodeNext",
    "--target",
    "ES2022",
    "--resolveJsonModule",
    "--types",
    "node",
    "--rootDir",
    root,
    "--outDir",
    `${out}/types`,
    `${root}/layer/cdk/credentialsSidecar.ts`,
  ],
  { stdio: "inherit" },
);
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
