// `make release` (layer/release/build.mjs) over stand-in layer zips and a stand-in Dockerfile built the way
// layer/container/Dockerfile is (a context with one layer tree per TARGETARCH, copied to /opt), and
// the reproducibility of the layer build it packages.
import { execFile, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listZip, writeZip } from "../../zip.mjs";
import { imageName, parseSums, readVersion, sha256, zipName } from "../artifacts.mjs";
import { buildahMissing } from "../container.mjs";

const repo = fileURLToPath(new URL("../../..", import.meta.url));
const releaseScript = join(repo, "layer", "release", "build.mjs");
const layerScript = join(repo, "layer", "build.mjs");
const version = readVersion(repo);
const NPM_TARBALLS = [
  `credentials-sidecar-${version}.tgz`,
  `credentials-sidecar-layer-x86_64-${version}.tgz`,
  `credentials-sidecar-layer-arm64-${version}.tgz`,
];
const noBuildah = buildahMissing();
const STAND_IN_DOCKERFILE =
  "FROM scratch\nARG TARGETARCH\nARG ARCH\nLABEL architecture=$ARCH\nCOPY $TARGETARCH/ /opt/\n";

let work: string;
let dist: string;
let dockerfile: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function node(script: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [script, ...args],
      { maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr });
      },
    );
  });
}

const release = (out: string, ...args: string[]) =>
  node(releaseScript, ["--dist", dist, "--out", out, "--dockerfile", dockerfile, ...args]);

/** Stand-ins for the other built files the main npm package ships (package.json's `files`). */
function writeBuiltFiles(dir: string) {
  for (const file of ["cli.mjs", "extension.mjs", "chunks/sts.mjs", "cdk/credentialsSidecar.mjs"]) {
    mkdirSync(join(dir, file, ".."), { recursive: true });
    writeFileSync(join(dir, file), `// stand-in ${file}\n`);
  }
}

/** Stand-in layer zips with the real layer's shape: the launcher (0755) and a bundle (0644). */
async function writeLayerZips(dir: string) {
  for (const variant of ["x86_64", "arm64", "nodejs"]) {
    const zip = await writeZip([
      { name: "extensions/credentials-sidecar", data: Buffer.from(`#!/bin/sh\n# ${variant}\n`), mode: 0o755 },
      { name: "credentials-sidecar/extension.mjs", data: Buffer.from(`// ${variant}\n`), mode: 0o644 },
    ]);
    writeFileSync(join(dir, `layer-${variant}.zip`), zip);
  }
}

/** Every file under a folder, relative path → bytes. */
function tree(dir: string): Map<string, Buffer> {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  return new Map(
    files.map((e) => {
      const path = join(e.parentPath, e.name);
      return [path.slice(dir.length + 1), readFileSync(path)];
    }),
  );
}

function untar(archive: string, member: string, gzip = false): Buffer {
  const result = spawnSync("tar", [gzip ? "-xzOf" : "-xOf", archive, member], {
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`tar ${archive} ${member}: ${result.stderr}`);
  return result.stdout;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "release-test-"));
  dist = join(work, "dist");
  mkdirSync(dist);
  await writeLayerZips(dist);
  writeBuiltFiles(dist);
  dockerfile = join(work, "Dockerfile");
  writeFileSync(dockerfile, STAND_IN_DOCKERFILE);
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("layer/release/build.mjs", () => {
  let first: string;
  let second: string;
  beforeAll(async () => {
    first = join(work, "first");
    second = join(work, "second");
    const one = await release(first);
    expect(one.stderr).toBe("");
    expect(one.code).toBe(0);
    const two = await release(second);
    expect(two.code).toBe(0);
  }, 300_000);

  it("writes the versioned zips, unchanged, and SHA256SUMS that sha256sum -c accepts", () => {
    for (const variant of ["x86_64", "arm64", "nodejs"]) {
      const copy = readFileSync(join(first, zipName(version, variant)));
      expect(copy.equals(readFileSync(join(dist, `layer-${variant}.zip`)))).toBe(true);
    }
    const sums = parseSums(readFileSync(join(first, "SHA256SUMS"), "utf8"));
    const expected = ["x86_64", "arm64", "nodejs"].map((v) => zipName(version, v));
    expected.push("config.schema.json", ...NPM_TARBALLS);
    if (!noBuildah) expected.push(imageName(version, "x86_64"), imageName(version, "arm64"));
    expect([...sums.keys()]).toEqual(expected.sort());
    for (const [name, digest] of sums) expect(sha256(readFileSync(join(first, name)))).toBe(digest);
    const check = spawnSync("sha256sum", ["--check", "--strict", "SHA256SUMS"], {
      cwd: first,
      encoding: "utf8",
    });
    if (!check.error) expect(check.status).toBe(0);
  });

  it("writes the image build context: each architecture's layer under its TARGETARCH name, modes kept, and the Dockerfile", () => {
    const context = join(first, "container");
    expect(readFileSync(join(context, "Dockerfile"), "utf8")).toBe(STAND_IN_DOCKERFILE);
    expect(readdirSync(context).sort()).toEqual(["Dockerfile", "amd64", "arm64"]);
    for (const [arch, platform] of [
      ["x86_64", "amd64"],
      ["arm64", "arm64"],
    ] as const) {
      const launcher = join(context, platform, "extensions", "credentials-sidecar");
      expect(readFileSync(launcher, "utf8")).toBe(`#!/bin/sh\n# ${arch}\n`);
      expect(statSync(launcher).mode & 0o777).toBe(0o755);
      expect(statSync(join(context, platform, "credentials-sidecar", "extension.mjs")).mode & 0o777).toBe(
        0o644,
      );
    }
  });

  it("is reproducible: a second run at another time gives byte-identical artifacts", () => {
    // The contexts were written at different times (each run takes well over a second with images)…
    const mtime = (dir: string) => statSync(join(dir, "container", "Dockerfile")).mtimeMs;
    if (!noBuildah) expect(mtime(second)).not.toBe(mtime(first));
    // …and every file, SHA256SUMS and the OCI archives included, is the same.
    const a = tree(first);
    const b = tree(second);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [name, data] of a) expect(b.get(name)?.equals(data), name).toBe(true);
  });

  it.skipIf(noBuildah)(
    `builds each architecture's image into an OCI archive (${noBuildah ?? "buildah"})`,
    () => {
      for (const [arch, platform] of [
        ["x86_64", "amd64"],
        ["arm64", "arm64"],
      ] as const) {
        const archive = join(first, imageName(version, arch));
        const index = JSON.parse(untar(archive, "index.json").toString());
        expect(index.manifests).toHaveLength(1);
        const blob = (digest: string) => `blobs/sha256/${digest.replace("sha256:", "")}`;
        const manifest = JSON.parse(untar(archive, blob(index.manifests[0].digest)).toString());
        const config = JSON.parse(untar(archive, blob(manifest.config.digest)).toString());
        expect(config).toMatchObject({
          architecture: platform,
          os: "linux",
          created: "1970-01-01T00:00:00Z",
        });
        expect(config.config.Labels).toMatchObject({
          "org.opencontainers.image.version": version,
          architecture: arch, // the Dockerfile got ARCH
        });
        // The one layer holds the layer's tree under /opt, modes kept.
        expect(manifest.layers).toHaveLength(1);
        const layerTar = join(work, `${arch}-layer.tar.gz`);
        writeFileSync(layerTar, untar(archive, blob(manifest.layers[0].digest)));
        const listing = spawnSync("tar", ["-tvzf", layerTar], { encoding: "utf8" }).stdout;
        expect(listing).toMatch(/^-rwxr-xr-x \S+ +\d+ \S+ \S+ opt\/extensions\/credentials-sidecar$/m);
        expect(listing).toMatch(/^-rw-r--r-- \S+ +\d+ \S+ \S+ opt\/credentials-sidecar\/extension\.mjs$/m);
        expect(untar(layerTar, "opt/extensions/credentials-sidecar", true).toString()).toBe(
          `#!/bin/sh\n# ${arch}\n`,
        );
      }
    },
  );

  it("--image never writes the contexts but no image", async () => {
    const out = join(work, "no-image");
    const run = await release(out, "--image", "never");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("no OCI images: --image never");
    expect(existsSync(join(out, "container", "arm64", "extensions", "credentials-sidecar"))).toBe(true);
    expect(readdirSync(out).filter((name) => name.endsWith(".oci.tar"))).toEqual([]);
  });

  it("replaces an earlier release, but never a folder that holds something else", async () => {
    const out = join(work, "reused");
    expect((await release(out, "--image", "never")).code).toBe(0);
    writeFileSync(join(out, "stale.zip"), "from an earlier release");
    expect((await release(out, "--image", "never")).code).toBe(0);
    expect(existsSync(join(out, "stale.zip"))).toBe(false);

    const other = join(work, "someone-elses");
    mkdirSync(other);
    writeFileSync(join(other, "notes.txt"), "keep me");
    const run = await release(other, "--image", "never");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "is not empty and holds no earlier release (no SHA256SUMS): not touching it",
    );
    expect(readFileSync(join(other, "notes.txt"), "utf8")).toBe("keep me");
  });

  it("fails clearly without the layer zips or with a missing Dockerfile", async () => {
    const empty = mkdtempSync(join(work, "empty-dist-"));
    const noZips = await node(releaseScript, ["--dist", empty, "--out", join(empty, "out")]);
    expect(noZips.code).toBe(1);
    expect(noZips.stderr).toContain("layer-x86_64.zip is missing: run `make layer` first");
    const noDockerfile = await node(releaseScript, [
      "--dist",
      dist,
      "--out",
      join(work, "x"),
      "--dockerfile",
      join(work, "nope"),
    ]);
    expect(noDockerfile.code).toBe(1);
    expect(noDockerfile.stderr).toContain(`--dockerfile ${join(work, "nope")} does not exist`);
  });

  it("refuses a layer zip that is cut short, empty or not a zip, naming it, and writes nothing", async () => {
    const whole = readFileSync(join(dist, "layer-arm64.zip"));
    const broken: Record<string, Buffer> = {
      "cut short": whole.subarray(0, whole.length - 10),
      "cut before its central directory": whole.subarray(0, 40),
      empty: Buffer.alloc(0),
      "not a zip": Buffer.from("#!/bin/sh\necho not a zip\n"),
    };
    for (const [what, bytes] of Object.entries(broken)) {
      const bad = mkdtempSync(join(work, "bad-dist-"));
      for (const variant of ["x86_64", "nodejs"])
        writeFileSync(join(bad, `layer-${variant}.zip`), readFileSync(join(dist, `layer-${variant}.zip`)));
      writeFileSync(join(bad, "layer-arm64.zip"), bytes);
      const out = join(bad, "out");
      const run = await node(releaseScript, ["--dist", bad, "--out", out, "--image", "never"]);
      expect(run.code, what).toBe(1);
      expect(run.stderr, what).toContain(`${join(bad, "layer-arm64.zip")} is not a readable zip: `);
      expect(existsSync(out), what).toBe(false);
    }
  });
});

// The layer build itself: two builds of the same inputs must give byte-identical zips, for the other
// architecture and the nodejs zip. The stand-in bundle has no after-`register` part, so no code cache
// is made (V8's code cache differs from run to run: docs/releases.md).
describe("layer/build.mjs reproducibility", () => {
  const foreign = process.arch === "arm64" ? "x86_64" : "arm64";
  it(`two builds give byte-identical layer-${foreign}.zip and layer-nodejs.zip`, async () => {
    const input = join(work, "bundle");
    mkdirSync(input);
    writeFileSync(join(input, "extension.mjs"), "console.log('stand-in bundle');\n");
    mkdirSync(join(input, "chunks"));
    writeFileSync(join(input, "chunks", "a.mjs"), "export const a = 1;\n");
    const outs = [join(work, "layer-1"), join(work, "layer-2")];
    for (const out of outs) {
      const run = await node(layerScript, ["--in", input, "--out", out, "--arch", foreign]);
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
    }
    for (const zip of [`layer-${foreign}.zip`, "layer-nodejs.zip"]) {
      const [a, b] = outs.map((out) => readFileSync(join(out, zip)));
      expect((await listZip(a as Buffer)).length).toBeGreaterThan(0);
      expect(sha256(b as Buffer), zip).toBe(sha256(a as Buffer));
    }
  }, 600_000);
});
