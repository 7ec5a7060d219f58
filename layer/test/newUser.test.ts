/**
 * A new user (issue 20 §2): in folders outside the clone, with only Node and the npm registry, they
 * install the packed tarballs as the README says, paste the README's CDK snippet into a stack,
 * synthesise and cfn-lint the template; and in an empty folder run `npx credentials-sidecar demo`
 * and `validate`. Nothing in their folders may point into the clone. aws-cdk-lib and constructs come
 * from the registry at the clone's versions, through npm's cache (--prefer-offline), so a second run
 * downloads nothing. Needs `make layer cdk`.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packNpmPackages } from "../npm/pack.mjs";
import { cdkApp, type Run, readmeCdkQuickStart, run, userEnv } from "./support/newUser.js";

const REPO = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");
const VERSION = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")).version as string;
const STACK = "NewUserStack";
// npm install from the cache takes seconds; the first run on a machine downloads aws-cdk-lib.
const INSTALL_MS = 240_000;
const STEP_MS = 120_000;
const versionOf = (name: string) =>
  JSON.parse(readFileSync(join(REPO, "node_modules", name, "package.json"), "utf8")).version as string;
const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");
const cfnLint = spawnSync("cfn-lint", ["--version"], { encoding: "utf8" }).status === 0;
const built = [
  "dist/cli.mjs",
  "dist/cdk/credentialsSidecar.mjs",
  "dist/layer-x86_64.zip",
  "dist/layer-nodejs.zip",
];

let work: string;
let app: string;
let empty: string;
let appTmp: string;
let tarballs: Record<string, string>;
let quickStart: { install: string[]; snippet: string };
let install: Run;
let emptyInstall: Run;
let synth: Run;

/** `npm install` in `dir` of the README's words, each of our package names replaced by its tarball. */
async function npmInstall(dir: string, words: readonly string[]): Promise<Run> {
  const specs = words.map((word) => tarballs[word] ?? word);
  const args = ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error", ...specs];
  return run("npm", args, { cwd: dir, env: userEnv(REPO), timeoutMs: INSTALL_MS });
}

const npx = (dir: string, args: string[]) =>
  run("npx", ["--no", "credentials-sidecar", ...args], { cwd: dir, env: userEnv(REPO), timeoutMs: STEP_MS });

beforeAll(
  async () => {
    const missing = built.filter((file) => !existsSync(join(REPO, file)));
    if (missing.length > 0) throw new Error(`${missing.join(", ")} missing: run \`make layer cdk\``);
    work = mkdtempSync(join(tmpdir(), "new-user-"));
    expect(work.startsWith(REPO)).toBe(false);
    const packs = join(work, "packs");
    mkdirSync(packs);
    tarballs = {};
    for (const file of Object.keys(
      packNpmPackages({ repo: REPO, distDir: join(REPO, "dist"), outDir: packs }),
    )) {
      const name =
        file === `credentials-sidecar-${VERSION}.tgz`
          ? "credentials-sidecar"
          : `@${file.replace(`-${VERSION}.tgz`, "").replace("credentials-sidecar-", "credentials-sidecar/")}`;
      tarballs[name] = join(packs, file);
    }
    quickStart = readmeCdkQuickStart(join(REPO, "README.md"));

    app = join(work, "my-cdk-app");
    empty = join(work, "empty");
    appTmp = join(work, "app-tmp");
    for (const dir of [app, empty, appTmp]) mkdirSync(dir);
    writeFileSync(
      join(app, "package.json"),
      `${JSON.stringify({ name: "my-cdk-app", private: true, type: "module" })}\n`,
    );
    // The CDK app they already have: aws-cdk-lib and constructs (the clone's versions: npm's cache has
    // them). The empty folder gets the CLI alone. Both installs at once: most of this file's time.
    [install, emptyInstall] = await Promise.all([
      npmInstall(app, [
        ...quickStart.install,
        `aws-cdk-lib@${versionOf("aws-cdk-lib")}`,
        `constructs@${versionOf("constructs")}`,
      ]),
      npmInstall(empty, ["credentials-sidecar"]),
    ]);
    if (install.code !== 0) return;
    const source = cdkApp(quickStart.snippet, STACK);
    writeFileSync(join(app, "app.ts"), source);
    // Types stripped here, as ts-node or tsx would; the output names nothing of the clone.
    const js = await esbuild.transform(source, { loader: "ts", format: "esm", target: "node20" });
    writeFileSync(join(app, "app.mjs"), js.code);
    synth = await run(process.execPath, ["app.mjs"], {
      cwd: app,
      env: userEnv(REPO, { TMPDIR: appTmp }),
      timeoutMs: STEP_MS,
    });
  },
  INSTALL_MS + 2 * STEP_MS,
);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

type Template = { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
const template = () =>
  JSON.parse(readFileSync(join(app, "cdk.out", `${STACK}.template.json`), "utf8")) as Template;
const resources = (type: string) => Object.values(template().Resources).filter((r) => r.Type === type);

describe("a new user's CDK app (README quick start, packed tarballs)", () => {
  it("installs what the README says: credentials-sidecar and a layer package", () => {
    expect(quickStart.install).toContain("credentials-sidecar");
    expect(quickStart.install.some((word) => word.startsWith("@credentials-sidecar/layer-"))).toBe(true);
    expect(install.stderr).toBe("");
    expect(install.code).toBe(0);
  });

  it(
    "type-checks the README's snippet against the package's declared types",
    async () => {
      writeFileSync(
        join(app, "tsconfig.json"),
        JSON.stringify({
          compilerOptions: {
            ...{ strict: true, module: "nodenext", moduleResolution: "nodenext", target: "es2022" },
            ...{ skipLibCheck: true, noEmit: true, types: [] },
          },
          files: ["app.ts"],
        }),
      );
      const tsc = await run(
        process.execPath,
        [join(REPO, "node_modules", "typescript", "bin", "tsc"), "-p", "."],
        {
          cwd: app,
          env: userEnv(REPO),
          timeoutMs: STEP_MS,
        },
      );
      expect(`${tsc.stdout}${tsc.stderr}`).toBe("");
      expect(tsc.code).toBe(0);
    },
    STEP_MS,
  );

  it("synthesises: the layer from the layer package, the config layer, the wrapper and the grant", () => {
    expect(synth.stderr).toBe("");
    expect(synth.code).toBe(0);
    const [fn] = resources("AWS::Lambda::Function");
    expect(fn?.Properties.Layers).toHaveLength(2);
    expect(fn?.Properties.Environment).toMatchObject({
      Variables: { AWS_LAMBDA_EXEC_WRAPPER: "/opt/credentials-sidecar/wrapper" },
    });
    expect(resources("AWS::IAM::Policy")).toHaveLength(1);
    // The layer asset is the zip the layer package carries, byte for byte.
    const arch = quickStart.snippet.includes("Architecture.ARM_64") ? "arm64" : "x86_64";
    const zips = readdirSync(join(app, "cdk.out")).filter((name) => name.endsWith(".zip"));
    expect(zips.map((name) => sha256(join(app, "cdk.out", name)))).toEqual([
      sha256(join(REPO, "dist", `layer-${arch}.zip`)),
    ]);
  });

  it("leaves the app's temp folder empty", () => {
    expect(synth.code).toBe(0);
    expect(readdirSync(appTmp)).toEqual([]);
  });

  it.skipIf(!cfnLint)(
    `passes cfn-lint${cfnLint ? "" : " (SKIPPED: cfn-lint is not installed; pip install -r extension/test/requirements.txt)"}`,
    async () => {
      // W3005: CDK's own DependsOn beside the role's GetAtt on every lambda.Function (see examples/cdk).
      const lint = await run(
        "cfn-lint",
        ["--ignore-checks", "W3005", "--", `cdk.out/${STACK}.template.json`],
        {
          cwd: app,
          env: userEnv(REPO),
          timeoutMs: STEP_MS,
        },
      );
      expect(`${lint.stdout}${lint.stderr}`).toBe("");
      expect(lint.code).toBe(0);
    },
    STEP_MS,
  );
});

describe("a new user's empty folder: npx credentials-sidecar", () => {
  let validConfig: string;
  beforeAll(() => {
    expect(emptyInstall.stderr).toBe("");
    expect(emptyInstall.code).toBe(0);
    validConfig = join(empty, "credentials-sidecar.yaml");
    writeFileSync(validConfig, "roles:\n  reader:\n    RoleArn: arn:aws:iam::444455556666:role/reader\n");
    writeFileSync(
      join(empty, "bad.yaml"),
      "roles:\n  reader:\n    RoleArn: arn:aws:iam::444455556666:role/reader\n    DurationSeconds: 60\n",
    );
  });

  it(
    "demo passes, with the node-less layer and this node when no layer package is installed",
    async () => {
      const demo = await npx(empty, ["demo"]);
      expect(demo.stderr).toBe("");
      expect(demo.stdout).toContain("layer-nodejs.zip with this machine's node");
      expect(demo.stdout).toContain("Demo passed");
      expect(demo.code).toBe(0);
    },
    STEP_MS,
  );

  it.skipIf(process.platform !== "linux" || process.arch !== "x64")(
    "demo runs the installed layer package's own node (the CDK app's folder)",
    async () => {
      const demo = await npx(app, ["demo"]);
      expect(demo.stdout).toContain("layer-x86_64.zip, with its own node");
      expect(demo.stdout).toContain("Demo passed");
      expect(demo.code).toBe(0);
    },
    STEP_MS,
  );

  it(
    "validate accepts a good config and names what is wrong in a bad one; schema prints the schema",
    async () => {
      const good = await npx(empty, ["validate", "credentials-sidecar.yaml"]);
      expect(good.code).toBe(0);
      const bad = await npx(empty, ["validate", "bad.yaml"]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain("roles.reader.DurationSeconds: must be at least 900");
      const schema = await npx(empty, ["schema"]);
      expect(JSON.parse(schema.stdout)).toEqual(
        JSON.parse(readFileSync(join(REPO, "config.schema.json"), "utf8")),
      );
    },
    STEP_MS,
  );

  it("nothing in the user's folders points into the clone", () => {
    const grep = (dir: string) => spawnSync("grep", ["-rlF", REPO, dir], { encoding: "utf8" });
    // The control: grep finds the clone's path where it is.
    const control = join(work, "control");
    mkdirSync(control);
    writeFileSync(join(control, "planted.txt"), `see ${REPO}/dist\n`);
    expect(grep(control).stdout.trim()).toBe(join(control, "planted.txt"));
    for (const dir of [app, empty]) {
      const found = grep(dir);
      expect(found.stdout, dir).toBe("");
      expect(found.status, dir).toBe(1); // 1: no match (2 would be an error)
    }
  });
});
