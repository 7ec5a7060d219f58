// The npm packages `make release` packs (layer/npm/pack.mjs), over stand-in built files: what each
// tarball holds and declares, and `npm publish --dry-run` of each (layer/release/npmPublish.mjs).
import { execFile, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeZip } from "../../zip.mjs";
import { readVersion } from "../artifacts.mjs";

const repo = fileURLToPath(new URL("../../..", import.meta.url));
const version = readVersion(repo);
const REPOSITORY = "https://github.com/example-owner/credentials-sidecar";
const MAIN = `credentials-sidecar-${version}.tgz`;
const LAYER = (arch: string) => `credentials-sidecar-layer-${arch}-${version}.tgz`;
// npm start-up and `npm publish --dry-run` (which asks the registry) take seconds each on a loaded machine.
const SLOW_MS = 120_000;

let work: string;
let dist: string;
let out: string;

function node(
  script: string,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(repo, script), ...args],
      { maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

function tarList(tarball: string): string[] {
  return spawnSync("tar", ["-tzf", tarball], { encoding: "utf8" }).stdout.trim().split("\n").sort();
}

function tarFile(tarball: string, member: string): Buffer {
  const result = spawnSync("tar", ["-xzOf", tarball, `package/${member}`], { maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`tar ${tarball} ${member}: ${result.stderr}`);
  return result.stdout;
}

const manifestOf = (tarball: string) => JSON.parse(tarFile(tarball, "package.json").toString());

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "npm-packages-test-"));
  dist = join(work, "dist");
  for (const file of ["cli.mjs", "extension.mjs", "chunks/sts.mjs", "cdk/credentialsSidecar.mjs"]) {
    mkdirSync(join(dist, file, ".."), { recursive: true });
    writeFileSync(join(dist, file), `// stand-in ${file}\n`);
  }
  for (const variant of ["x86_64", "arm64", "nodejs"]) {
    const zip = await writeZip([
      { name: "extensions/credentials-sidecar", data: Buffer.from(`#!/bin/sh\n# ${variant}\n`), mode: 0o755 },
    ]);
    writeFileSync(join(dist, `layer-${variant}.zip`), zip);
  }
  out = join(work, "release");
  const run = await node("layer/release/build.mjs", [
    ...["--dist", dist, "--out", out, "--image", "never", "--repository", REPOSITORY],
  ]);
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
}, SLOW_MS);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the npm packages of a release", () => {
  it("credentials-sidecar: the CLI, the construct, the schema and the node-less layer; no dev tooling", () => {
    const tarball = join(out, MAIN);
    expect(tarList(tarball)).toEqual(
      [
        "LICENSE",
        "README.md",
        "config.schema.json",
        "dist/cdk/credentialsSidecar.mjs",
        "dist/chunks/sts.mjs",
        "dist/cli.mjs",
        "dist/extension.mjs",
        "dist/layer-nodejs.zip",
        "package.json",
      ].map((file) => `package/${file}`),
    );
    const manifest = manifestOf(tarball);
    expect(manifest).toMatchObject({
      name: "credentials-sidecar",
      version,
      bin: { "credentials-sidecar": "dist/cli.mjs" },
      repository: { type: "git", url: `git+${REPOSITORY}.git` },
    });
    expect(manifest.private).toBeUndefined();
    expect(manifest.devDependencies).toBeUndefined();
    expect(manifest.scripts).toBeUndefined();
    expect(Object.keys(manifest.exports).sort()).toEqual(["./cdk", "./config.schema.json", "./package.json"]);
    expect(
      tarFile(tarball, "config.schema.json").equals(readFileSync(join(repo, "config.schema.json"))),
    ).toBe(true);
    // The layer packages: optional peers of exactly this version (npm refuses another one beside it).
    for (const arch of ["x86_64", "arm64"]) {
      expect(manifest.peerDependencies[`@credentials-sidecar/layer-${arch}`]).toBe(version);
      expect(manifest.peerDependenciesMeta[`@credentials-sidecar/layer-${arch}`]).toEqual({ optional: true });
    }
  });

  it.each(["x86_64", "arm64"])(
    "@credentials-sidecar/layer-%s holds that layer zip and gives its path",
    (arch) => {
      const tarball = join(out, LAYER(arch));
      expect(tarList(tarball)).toEqual(
        ["LICENSE", "README.md", "index.cjs", "index.d.ts", "layer.zip", "package.json"].map(
          (f) => `package/${f}`,
        ),
      );
      expect(tarFile(tarball, "layer.zip").equals(readFileSync(join(dist, `layer-${arch}.zip`)))).toBe(true);
      const manifest = manifestOf(tarball);
      expect(manifest).toMatchObject({ name: `@credentials-sidecar/layer-${arch}`, version });
      // The Lambda's architecture is not the installing machine's: npm must not filter it by cpu.
      expect(manifest.cpu).toBeUndefined();
      const unpacked = join(work, `unpacked-${arch}`);
      mkdirSync(unpacked);
      spawnSync("tar", ["-xzf", tarball, "-C", unpacked]);
      const exported = createRequire(import.meta.url)(join(unpacked, "package", "index.cjs"));
      expect(exported).toEqual({ ASSET_FILE: join(unpacked, "package", "layer.zip"), ARCHITECTURE: arch });
    },
  );

  it("the repository's package.json is publishable and names the layer packages at its own version", () => {
    const manifest = JSON.parse(readFileSync(join(repo, "package.json"), "utf8"));
    expect(manifest.private).toBeUndefined();
    expect(manifest.peerDependencies["@credentials-sidecar/layer-x86_64"]).toBe(manifest.version);
    expect(manifest.peerDependencies["@credentials-sidecar/layer-arm64"]).toBe(manifest.version);
  });

  it(
    "npm publish --dry-run accepts each package, the layer packages first",
    async () => {
      const run = await node("layer/release/npmPublish.mjs", ["--dir", out, "--dry-run"]);
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(run.stdout.trim().split("\n")).toEqual([
        `@credentials-sidecar/layer-arm64@${version}: would be published (dry run)`,
        `@credentials-sidecar/layer-x86_64@${version}: would be published (dry run)`,
        `credentials-sidecar@${version}: would be published (dry run)`,
      ]);
    },
    SLOW_MS,
  );

  it("npmPublish refuses a tarball that SHA256SUMS does not vouch for", async () => {
    const tampered = join(work, "tampered");
    mkdirSync(tampered);
    writeFileSync(join(tampered, "SHA256SUMS"), readFileSync(join(out, "SHA256SUMS")));
    for (const file of [MAIN, LAYER("x86_64"), LAYER("arm64")])
      writeFileSync(join(tampered, file), readFileSync(join(out, file)));
    writeFileSync(join(tampered, MAIN), Buffer.concat([readFileSync(join(out, MAIN)), Buffer.from("x")]));
    const run = await node("layer/release/npmPublish.mjs", ["--dir", tampered, "--dry-run"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${join(tampered, MAIN)} does not match SHA256SUMS`);
  });

  it("refuses a --repository that is not a GitHub repository URL", async () => {
    const run = await node("layer/release/build.mjs", [
      ...["--dist", dist, "--out", join(work, "bad-repo"), "--image", "never", "--repository", "example/x"],
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("--repository example/x: give https://github.com/<owner>/<name>");
  });
});
