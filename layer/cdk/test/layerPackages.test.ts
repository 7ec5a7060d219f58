/**
 * How the construct (and `credentials-sidecar demo`) find a layer zip: the clone's dist/ first, else
 * the installed @credentials-sidecar/layer-<arch> package of the same version, resolved as Node
 * resolves imports from the importing file; otherwise an error saying what to install.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findLayerZip } from "../../npm/layerPackages.mjs";

let app: string;
let importer: string;
let emptyDist: string;

function installLayerPackage(arch: string, version: string, withZip = true) {
  const dir = join(app, "node_modules", "@credentials-sidecar", `layer-${arch}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const exports = { ".": "./index.cjs", "./package.json": "./package.json" };
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: `@credentials-sidecar/layer-${arch}`, version, exports }),
  );
  if (withZip) writeFileSync(join(dir, "layer.zip"), "zip");
  return dir;
}

beforeAll(() => {
  app = mkdtempSync(join(tmpdir(), "layer-packages-"));
  // The construct as installed: node_modules/credentials-sidecar/dist/cdk/credentialsSidecar.mjs.
  const cdk = join(app, "node_modules", "credentials-sidecar", "dist", "cdk");
  mkdirSync(cdk, { recursive: true });
  importer = pathToFileURL(join(cdk, "credentialsSidecar.mjs")).href;
  emptyDist = join(app, "node_modules", "credentials-sidecar", "dist");
});

afterAll(() => {
  rmSync(app, { recursive: true, force: true });
});

describe("findLayerZip", () => {
  it("finds layer.zip of the installed package of this version", () => {
    const dir = installLayerPackage("arm64", "1.2.3");
    expect(findLayerZip("arm64", { distDir: emptyDist, from: importer, version: "1.2.3" })).toBe(
      join(dir, "layer.zip"),
    );
  });

  it("prefers a built dist/layer-<arch>.zip (a clone after make layer)", () => {
    installLayerPackage("x86_64", "1.2.3");
    const dist = mkdtempSync(join(app, "dist-"));
    writeFileSync(join(dist, "layer-x86_64.zip"), "built");
    expect(findLayerZip("x86_64", { distDir: dist, from: importer, version: "1.2.3" })).toBe(
      join(dist, "layer-x86_64.zip"),
    );
  });

  it("says what to install when the architecture's package is missing", () => {
    rmSync(join(app, "node_modules", "@credentials-sidecar"), { recursive: true, force: true });
    installLayerPackage("arm64", "1.2.3");
    expect(() => findLayerZip("x86_64", { distDir: emptyDist, from: importer, version: "1.2.3" })).toThrow(
      "the x86_64 layer is not installed: `npm install @credentials-sidecar/layer-x86_64@1.2.3` (or `make layer` in a clone)",
    );
  });

  it("refuses a package of another version, naming both", () => {
    installLayerPackage("arm64", "1.2.2");
    expect(() => findLayerZip("arm64", { distDir: emptyDist, from: importer, version: "1.2.3" })).toThrow(
      "@credentials-sidecar/layer-arm64 1.2.2 is installed beside credentials-sidecar 1.2.3: `npm install @credentials-sidecar/layer-arm64@1.2.3`",
    );
  });

  it("refuses a package without its zip, and an architecture with no package", () => {
    const dir = installLayerPackage("arm64", "1.2.3", false);
    expect(() => findLayerZip("arm64", { distDir: emptyDist, from: importer, version: "1.2.3" })).toThrow(
      `${join(dir, "layer.zip")} is missing`,
    );
    expect(() => findLayerZip("nodejs", { distDir: emptyDist, from: importer, version: "1.2.3" })).toThrow(
      "no layer package for architecture nodejs",
    );
  });
});
