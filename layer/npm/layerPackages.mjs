// The layer zips as npm packages, one per architecture, the way @aws-cdk/asset-* packages ship
// theirs: layer.zip inside the package. The CDK construct and `credentials-sidecar demo` find the
// zip here, bundled into each (no release tooling in this file).
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** The asset package of each architecture that carries its own node. */
export const LAYER_PACKAGES = {
  x86_64: "@credentials-sidecar/layer-x86_64",
  arm64: "@credentials-sidecar/layer-arm64",
};

/** The file name of the zip inside an asset package. */
export const LAYER_PACKAGE_ZIP = "layer.zip";

/**
 * The layer zip of `arch`: `<distDir>/layer-<arch>.zip` when it is there (a clone after `make
 * layer`), else layer.zip of the asset package as Node resolves it from `from` (a file URL or path),
 * which must be `version`. Throws, saying what to install, when neither is there.
 */
export function findLayerZip(arch, { distDir, from, version }) {
  const built = join(distDir, `layer-${arch}.zip`);
  if (existsSync(built)) return built;
  const name = LAYER_PACKAGES[arch];
  if (name === undefined) throw new Error(`no layer package for architecture ${arch}`);
  const install = `npm install ${name}@${version}`;
  let manifest;
  try {
    manifest = createRequire(from).resolve(`${name}/package.json`);
  } catch {
    throw new Error(`the ${arch} layer is not installed: \`${install}\` (or \`make layer\` in a clone)`);
  }
  const found = JSON.parse(readFileSync(manifest, "utf8")).version;
  // The construct writes the config and variables this layer's extension reads: one version for both.
  if (found !== version) {
    throw new Error(`${name} ${found} is installed beside credentials-sidecar ${version}: \`${install}\``);
  }
  const zip = join(dirname(manifest), LAYER_PACKAGE_ZIP);
  if (!existsSync(zip)) throw new Error(`${zip} is missing: reinstall it (\`${install}\`)`);
  return zip;
}
