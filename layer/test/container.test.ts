/**
 * The container images, as a container-image function gets them: the extension image built from
 * layer/container/Dockerfile (context: this architecture's layer zip unzipped, as `make container`
 * does), the example function image from examples/container/Dockerfile on top of it. Each tree is
 * built by applying the Dockerfiles (support/dockerfile.ts) and, where buildah runs, by buildah too;
 * the two must hold the same files with the same modes. Then the extension and the wrapper run from
 * the image's tree (`/opt/extensions/credentials-sidecar`, the wrapper the image's
 * AWS_LAMBDA_EXEC_WRAPPER names) against the mock Runtime API and moto, with real SDK clients and the
 * example's own handler. The AWS base image cannot be pulled here: an empty folder stands in for it
 * (this machine's python3 and node play its runtime).
 */
import { execFile, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CLIENT_KINDS,
  CLIENT_SCRIPTS,
  clientEnv,
  type WhoamiResult,
  whoamiEnv,
} from "../../extension/test/support/clients.js";
import { REPO_ROOT } from "../../extension/test/support/extensionProcess.js";
import type { MotoEnvironment } from "../../extension/test/support/moto.js";
import { writeArchContext } from "../container/context.mjs";
import { buildDockerfile, type ImageTree } from "./support/dockerfile.js";
import { LAYER_ARCH, lastJsonLine, layerBesideMoto, runFunction } from "./support/layer.js";
import { assumedRole, type Sandbox, Sandboxes, sandboxEnv } from "./support/sandbox.js";

const EXTENSION_DOCKERFILE = join(REPO_ROOT, "layer", "container", "Dockerfile");
const FUNCTION_DOCKERFILE = join(REPO_ROOT, "examples", "container", "Dockerfile");
const FUNCTION_CONTEXT = join(REPO_ROOT, "examples", "container");
const TARGET_ARCH = LAYER_ARCH === "arm64" ? "arm64" : "amd64";
/** The defaults of the example's ARGs: what `docker build` uses unless told otherwise. */
const SIDECAR_IMAGE = "credentials-sidecar:latest";
const BASE_IMAGE = "public.ecr.aws/lambda/python:3.13";

const execFileAsync = promisify(execFile);

/**
 * Why buildah cannot build images here, or undefined when it can: it must be installed and able to
 * make a working container from scratch (it cannot where the sandbox forbids what it needs).
 */
function buildahMissing(): string | undefined {
  if (spawnSync("buildah", ["--version"]).status !== 0)
    return "buildah is not installed (apt-get install buildah)";
  const probe = mkdtempSync(join(tmpdir(), "buildah-probe-"));
  try {
    const base = [
      "--root",
      join(probe, "storage"),
      "--runroot",
      join(probe, "run"),
      "--storage-driver",
      "vfs",
    ];
    const from = spawnSync("buildah", [...base, "from", "scratch"], { encoding: "utf8", timeout: 60_000 });
    if (from.status !== 0) return `buildah cannot run here: ${from.stderr.trim().split("\n").pop()}`;
    spawnSync("buildah", [...base, "rm", "--all"], { timeout: 60_000 });
    return undefined;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

/** path → "mode size sha256" for every file and folder under root (symlinks by their target). */
function listing(root: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const name of readdirSync(root, { recursive: true }) as string[]) {
    const path = join(root, name);
    const stat = lstatSync(path);
    const mode = (stat.mode & 0o7777).toString(8);
    entries[relative(root, path)] = stat.isFile()
      ? `${mode} ${stat.size} ${createHash("sha256").update(readFileSync(path)).digest("hex")}`
      : stat.isDirectory()
        ? `${mode} dir`
        : `${mode} other`;
  }
  return entries;
}

/** buildah with storage of its own under `dir`, so nothing is shared with the machine's images. */
function buildah(dir: string) {
  const base = ["--root", join(dir, "storage"), "--runroot", join(dir, "run"), "--storage-driver", "vfs"];
  const run = async (args: string[]) =>
    (
      await execFileAsync("buildah", [...base, ...args], { maxBuffer: 16 * 1024 * 1024, timeout: 240_000 })
    ).stdout.trim();
  return {
    bud: (dockerfile: string, context: string, tag: string, buildArgs: Record<string, string>) =>
      run([
        "bud",
        "--quiet",
        "--isolation",
        "chroot",
        "--pull=never",
        ...Object.entries(buildArgs).flatMap(([name, value]) => ["--build-arg", `${name}=${value}`]),
        "-f",
        dockerfile,
        "-t",
        tag,
        context,
      ]),
    /** the image's root folder (a working container's mount) */
    mount: async (image: string) => run(["mount", await run(["from", "--pull=never", image])]),
    cleanup: () => run(["rm", "--all"]).catch(() => ""),
  };
}

let work: string;
let moto: MotoEnvironment;
let image: ImageTree;
let builtBy: string;
let sandbox: Sandbox;
const sandboxes = new Sandboxes();
const BUILDAH_MISSING = buildahMissing();
let buildahTree: string | undefined;

describe.runIf(process.platform === "linux")("the container images", () => {
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "container-"));
    const started = await layerBesideMoto(work);
    moto = started.moto;

    // The extension image's build context, as `make container` writes it.
    const context = join(work, "context");
    await writeArchContext(started.layer.zip, context, TARGET_ARCH);
    const emptyBase = join(work, "base-image");
    mkdirSync(emptyBase);
    const extensionImage = buildDockerfile({
      dockerfile: EXTENSION_DOCKERFILE,
      context,
      buildArgs: { TARGETARCH: TARGET_ARCH },
      workDir: work,
    });
    image = buildDockerfile({
      dockerfile: FUNCTION_DOCKERFILE,
      context: FUNCTION_CONTEXT,
      images: { [SIDECAR_IMAGE]: extensionImage.root, [BASE_IMAGE]: emptyBase },
      workDir: work,
    });
    builtBy = "the Dockerfile interpreter";

    if (BUILDAH_MISSING === undefined) {
      const tool = buildah(join(work, "buildah"));
      await tool.bud(EXTENSION_DOCKERFILE, context, "localhost/credentials-sidecar-test:latest", {
        TARGETARCH: TARGET_ARCH,
      });
      // The AWS base image cannot be pulled here: scratch stands in for it, as the empty folder does.
      await tool.bud(FUNCTION_DOCKERFILE, FUNCTION_CONTEXT, "localhost/credentials-sidecar-function:latest", {
        SIDECAR_IMAGE: "localhost/credentials-sidecar-test:latest",
        BASE_IMAGE: "scratch",
      });
      buildahTree = await tool.mount("localhost/credentials-sidecar-function:latest");
      image = { ...image, root: buildahTree };
      builtBy = "buildah";
    }

    const config = join(work, "credentials-sidecar.yaml");
    // The example's config names an account of its own; moto's roles stand in (CREDENTIALS_SIDECAR_CONFIG).
    writeFileSync(config, `roles:\n  reader:\n    RoleArn: ${moto.roles.reader}\n`);
    sandbox = await sandboxes.start(join(image.root, "opt"), moto, { CREDENTIALS_SIDECAR_CONFIG: config });
  }, 300_000);

  afterAll(async () => {
    await Promise.all([sandboxes.closeAll(), moto?.stop()]);
    if (BUILDAH_MISSING === undefined && work) await buildah(join(work, "buildah")).cleanup();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it.skipIf(BUILDAH_MISSING !== undefined)(
    `buildah builds the same tree as the Dockerfile interpreter${BUILDAH_MISSING ? ` (skipped: ${BUILDAH_MISSING})` : ""}`,
    () => {
      const interpreted = buildDockerfile({
        dockerfile: FUNCTION_DOCKERFILE,
        context: FUNCTION_CONTEXT,
        images: {
          [SIDECAR_IMAGE]: buildDockerfile({
            dockerfile: EXTENSION_DOCKERFILE,
            context: join(work, "context"),
            buildArgs: { TARGETARCH: TARGET_ARCH },
            workDir: work,
          }).root,
          [BASE_IMAGE]: join(work, "base-image"),
        },
        workDir: work,
      });
      expect(listing(buildahTree as string)).toEqual(listing(interpreted.root));
    },
  );

  it("holds the layer's tree under /opt with its modes, the config and the handler under /var/task", () => {
    const files = listing(image.root);
    expect(files["opt/extensions/credentials-sidecar"]).toMatch(/^755 /);
    expect(files["opt/credentials-sidecar/wrapper"]).toMatch(/^755 /);
    expect(files["opt/credentials-sidecar/bin/node"]).toMatch(/^755 /);
    expect(files["opt/credentials-sidecar/extension.mjs"]).toMatch(/^644 /);
    expect(files["var/task/credentials-sidecar.yaml"]).toBeDefined();
    expect(files["var/task/app.py"]).toBeDefined();
    expect(readFileSync(join(image.root, "opt/credentials-sidecar/wrapper"))).toEqual(
      readFileSync(join(REPO_ROOT, "layer/credentials-sidecar/wrapper")),
    );
  });

  it("sets AWS_LAMBDA_EXEC_WRAPPER to the wrapper in the image, and the handler as CMD", () => {
    expect(image.env.AWS_LAMBDA_EXEC_WRAPPER).toBe("/opt/credentials-sidecar/wrapper");
    expect(image.cmd).toEqual(["app.handler"]);
  });

  /** The runtime's environment: the sandbox's, the image's ENV, and what the test code reads. */
  function functionEnv(extra: Record<string, string> = {}): Record<string, string> {
    return clientEnv({
      ...sandboxEnv(sandbox.runtime, moto),
      ...image.env,
      ...whoamiEnv(moto),
      CREDENTIALS_SIDECAR_RUNTIME_DIR: sandbox.sidecar.runtimeDir,
      ...extra,
    });
  }
  /** The wrapper the image's AWS_LAMBDA_EXEC_WRAPPER names, inside the image's tree. */
  const wrapper = () => join(image.root, image.env.AWS_LAMBDA_EXEC_WRAPPER ?? "/missing");

  it(`runs the extension from the image built by ${BUILDAH_MISSING === undefined ? "buildah" : "the Dockerfile interpreter"}, with the image's node`, () => {
    expect(builtBy).toBe(BUILDAH_MISSING === undefined ? "buildah" : "the Dockerfile interpreter");
    expect(sandbox.sidecar.logs[0]?.event).toBe("start");
    expect(sandbox.sidecar.logs[0]?.node).not.toBe(process.version);
  });

  it.each(CLIENT_KINDS)("%s code through the image's wrapper acts as the default role", async (kind) => {
    const interpreter = kind === "python" ? "python3" : process.execPath;
    const run = await runFunction([interpreter, CLIENT_SCRIPTS[kind]], functionEnv(), wrapper());

    const result = lastJsonLine<WhoamiResult>(run);
    expect(result.arn).toMatch(assumedRole(moto, "reader"));
    expect(result.dynamodb).toBe("allowed");
    expect(result.s3).toBe("denied:AccessDenied");
  });

  it("the example's handler (CMD app.handler) acts as the default role", async () => {
    const handler = image.cmd[0]?.split(".") ?? [];
    const code = `import json, ${handler[0]}; print(json.dumps(${handler[0]}.${handler[1]}({}, None)))`;
    const env = functionEnv({ PYTHONPATH: join(image.root, "var", "task") });
    const run = await runFunction(["python3", "-c", code], env, wrapper());

    expect(lastJsonLine<{ arn: string }>(run).arn).toMatch(assumedRole(moto, "reader"));
  });
});
