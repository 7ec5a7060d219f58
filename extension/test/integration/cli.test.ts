/**
 * The bundled CLI (dist/cli.mjs, `make build`) as a user runs it: validate's exit codes and output,
 * `local` serving real SDK clients until Ctrl-C, and `demo` running the built layer end to end.
 */
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanAwsEnv, type KitProcess, startProcess } from "../../devkit/processKit.mjs";
import { CLIENT_KINDS, CLIENT_SCRIPTS, runClient } from "../support/clients.js";
import { REPO_ROOT } from "../support/extensionProcess.js";

const CLI = join(REPO_ROOT, "dist", "cli.mjs");
/** STS for tests where it must not answer: nothing listens on port 1 (tcpmux) here. */
const UNREACHABLE_STS = "http://127.0.0.1:1";
const LAYER_ZIP = join(REPO_ROOT, "dist", process.arch === "arm64" ? "layer-arm64.zip" : "layer-x86_64.zip");

let workDir: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI's environment: nothing AWS-related from the test machine; its temp files go to `tmp`. */
function cliEnv(tmp: string): NodeJS.ProcessEnv {
  return cleanAwsEnv({ HOME: workDir, TMPDIR: tmp });
}

function runCli(args: string[], options: { timeoutMs?: number; tmp?: string } = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: cliEnv(options.tmp ?? workDir), timeout: options.timeoutMs ?? 30_000, cwd: workDir },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : null;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function writeConfig(name: string, yaml: string): string {
  const path = join(workDir, name);
  writeFileSync(path, yaml);
  return path;
}

/** `export NAME=value` lines (values are unquoted or single-quoted) into a map; `unset` names listed. */
function parseExports(text: string): { set: Record<string, string>; unset: string[] } {
  const set: Record<string, string> = {};
  const unset: string[] = [];
  for (const line of text.split("\n")) {
    const exported = /^export ([A-Z_]+)=('(?:[^']|'\\'')*'|\S+)/.exec(line);
    if (exported?.[1] !== undefined && exported[2] !== undefined) {
      const raw = exported[2];
      set[exported[1]] = raw.startsWith("'") ? raw.slice(1, -1).replaceAll("'\\''", "'") : raw;
    }
    const removed = /^unset (.+)$/.exec(line);
    if (removed?.[1] !== undefined) unset.push(...removed[1].split(" "));
  }
  return { set, unset };
}

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), "cli-test-"));
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`make build\` first`);
});

describe("validate", () => {
  const good = () =>
    writeConfig(
      "good.yaml",
      "default: app\nroles:\n  app:\n    RoleArn: arn:aws:iam::123456789012:role/app\n  audit:\n    RoleArn: arn:aws:iam::123456789012:role/audit\n    source: app\n",
    );
  const bad = () =>
    writeConfig(
      "bad.yaml",
      "default: ghost\nroles:\n  app:\n    RoleArn: arn:aws:iam::123456789012:role/app\n    DurationSeconds: 60\n    Colour: blue\n",
    );

  it("prints OK with the roles and exits 0 for a valid file", async () => {
    const path = good();
    const run = await runCli(["validate", path]);
    expect(run).toEqual({ code: 0, stdout: `${path}: OK (2 roles: app, audit; default: app)\n`, stderr: "" });
  });

  it("prints every problem on stderr and exits 1 for an invalid file", async () => {
    const path = bad();
    const run = await runCli(["validate", path]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr.split("\n")).toEqual([
      `Invalid config (${path}), 3 problems:`,
      expect.stringMatching(/^ {2}roles\.app\.Colour: is not a known key/),
      expect.stringMatching(/^ {2}roles\.app\.DurationSeconds: must be at least 900/),
      expect.stringMatching(/^ {2}default: names no role in roles/),
      "",
    ]);
  });

  it("prints JSON for pipelines with --json", async () => {
    const run = await runCli(["validate", "--json", bad()]);
    expect(run.code).toBe(1);
    const parsed = JSON.parse(run.stdout) as {
      valid: boolean;
      problems: { path: string; message: string }[];
    };
    expect(parsed.valid).toBe(false);
    expect(parsed.problems.map((p) => p.path).sort()).toEqual([
      "default",
      "roles.app.Colour",
      "roles.app.DurationSeconds",
    ]);
  });

  it("exits 2 on a usage error, with a message and no stack trace", async () => {
    const run = await runCli(["validate"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^credentials-sidecar: validate needs the config file to check\n/);
    expect(run.stderr).not.toMatch(/\bat .*\.mjs:\d+/);
  });
});

describe("local --sts builtin", () => {
  let local: KitProcess;
  let stdout = "";
  let stderr = "";
  let tmp: string;
  let exportFile: string;

  beforeAll(async () => {
    tmp = mkdtempSync(join(workDir, "tmp-"));
    exportFile = join(workDir, "sidecar.env");
    const config = writeConfig(
      "local.yaml",
      "default: reader\nroles:\n  reader:\n    RoleArn: arn:aws:iam::123456789012:role/reader\n  writer:\n    RoleArn: arn:aws:iam::123456789012:role/writer\n",
    );
    local = startProcess({
      command: process.execPath,
      args: [CLI, "local", "--config", config, "--port", "0", "--export-file", exportFile],
      env: cliEnv(tmp),
      name: "local",
    });
    // Each stream byte for byte (the export file must equal stdout).
    local.child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    local.child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    // Ready when the status (stderr) and the export lines (stdout, one piece after the first INVOKE) are
    // out. The kit's output() has both streams, and is up to date whenever it checks.
    await local.waitFor(
      () => {
        const output = local.output();
        return output.includes("CREDENTIALS_SIDECAR_ROLES_URL") && output.includes("ready on port")
          ? true
          : undefined;
      },
      "the status and the export lines",
      20_000,
    );
  });

  afterAll(async () => {
    await local.kill();
  });

  it("prints only shell lines on stdout, and its status on stderr", () => {
    for (const line of stdout.trim().split("\n")) expect(line).toMatch(/^(# |unset |export [A-Z_]+=)/);
    const port = /credentials-sidecar local: ready on port (\d+),/.exec(stderr)?.[1];
    expect(Number(port)).toBeGreaterThan(0);
    expect(parseExports(stdout).set.CREDENTIALS_SIDECAR_ROLES_URL).toBe(`http://127.0.0.1:${port}/roles/`);
    expect(stderr).toMatch(/reader\*\s+ok\s+arn:aws:iam::123456789012:role\/reader, expires/);
    expect(stderr).toContain("assumed role role=reader");
  });

  it("writes the same lines to --export-file, readable by the user only", () => {
    expect(statSync(exportFile).mode & 0o777).toBe(0o600);
    expect(execFileSync("cat", [exportFile], { encoding: "utf8" })).toBe(stdout);
  });

  it.each(CLIENT_KINDS)(
    "hands the default role to %s SDK clients through the exported variables",
    async (kind) => {
      const { set, unset } = parseExports(stdout);
      expect(unset).toContain("AWS_ACCESS_KEY_ID");
      expect(set.AWS_ENDPOINT_URL_STS).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const result = await runClient(kind, set);
      expect(result.arn).toMatch(
        /^arn:aws:sts::123456789012:assumed-role\/reader\/credentials-sidecar-local\./,
      );
    },
  );

  it("gives another role by name under CREDENTIALS_SIDECAR_ROLES_URL", async () => {
    const { set } = parseExports(stdout);
    const result = await runClient("python", {
      ...set,
      AWS_CONTAINER_CREDENTIALS_FULL_URI: `${set.CREDENTIALS_SIDECAR_ROLES_URL}writer`,
    });
    expect(result.arn).toMatch(/:assumed-role\/writer\//);
  });

  it("on Ctrl-C sends SHUTDOWN, exits 0 and removes its files", async () => {
    local.child.kill("SIGINT");
    expect((await local.exited).code).toBe(0);
    expect(stderr).toContain("SIGINT: sending SHUTDOWN to the extension");
    expect(stderr).toContain("reason=SHUTDOWN (spindown)");
    expect(stderr).toMatch(/extension exited 0 in \d+ ms/);
    expect(existsSync(exportFile)).toBe(false);
    expect(readdirSync(tmp)).toEqual([]);
  });
});

describe("local -- COMMAND", () => {
  it("runs the command with the variables, stops the sidecar after it and passes its exit code on", async () => {
    const config = writeConfig(
      "cmd.yaml",
      "roles:\n  only:\n    RoleArn: arn:aws:iam::123456789012:role/only\n",
    );
    const ok = await runCli(["local", "-c", config, "--port", "0", "--", "python3", CLIENT_SCRIPTS.python]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).arn).toMatch(/:assumed-role\/only\/credentials-sidecar-local\./);
    expect(ok.stderr).toMatch(/extension exited 0 in \d+ ms/);
    const failing = await runCli(["local", "-c", config, "--port", "0", "--", "sh", "-c", "exit 7"]);
    expect(failing.code).toBe(7);
  });

  it("with --managed-instances, serves the command with the sidecar registered for SHUTDOWN only", async () => {
    const config = writeConfig(
      "managed.yaml",
      "roles:\n  only:\n    RoleArn: arn:aws:iam::123456789012:role/only\n",
    );
    const run = await runCli([
      "local",
      "-c",
      config,
      "--port",
      "0",
      "--managed-instances",
      "--",
      "python3",
      CLIENT_SCRIPTS.python,
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).arn).toMatch(/:assumed-role\/only\/credentials-sidecar-local\./);
    expect(run.stderr).toMatch(/registered event=registered .*\bevents=SHUTDOWN\s/);
    expect(run.stderr).toMatch(/extension exited 0 in \d+ ms/);
  });

  it("exits 1 and prints the problems when the config is invalid, starting nothing", async () => {
    const config = writeConfig("broken.yaml", "roles: {}\n");
    const run = await runCli(["local", "-c", config, "--", "true"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^Invalid config/);
    expect(run.stderr).not.toContain("[sidecar]");
  });
});

describe("serve", () => {
  it("runs the extension standalone until SIGTERM, then exits 0", async () => {
    const config = writeConfig(
      "serve.yaml",
      "roles:\n  app:\n    RoleArn: arn:aws:iam::123456789012:role/app\n",
    );
    const serve = startProcess({
      command: process.execPath,
      args: [CLI, "serve", "--config", config, "--port", "0"],
      // STS is unreachable on purpose: serving, /health and the stop do not depend on it.
      env: {
        ...cliEnv(workDir),
        AWS_ACCESS_KEY_ID: "AKIAEXAMPLEEXAMPLE00",
        AWS_SECRET_ACCESS_KEY: "example",
        AWS_REGION: "us-east-1",
        AWS_ENDPOINT_URL_STS: UNREACHABLE_STS,
        CREDENTIALS_SIDECAR_RUNTIME_DIR: mkdtempSync(join(workDir, "serve-rt-")),
      },
      name: "serve",
    });
    const port = await serve.waitForPort();
    await serve.waitForLog((line) => line.event === "standalone");
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    const exit = await serve.stop();
    expect(exit.code).toBe(0);
    expect(serve.records.find((line) => line.event === "stop")?.reason).toBe("SIGTERM");
  });
});

describe("demo", () => {
  beforeAll(() => {
    if (!existsSync(LAYER_ZIP)) {
      const arch = process.arch === "arm64" ? "arm64" : "x86_64";
      execFileSync(process.execPath, [join(REPO_ROOT, "layer", "build.mjs"), "--arch", arch], {
        stdio: "ignore",
      });
    }
  }, 120_000);

  it("runs the built layer: 3 invocations as the default role, one call allowed, one denied", async () => {
    const run = await runCli(["demo"], { timeoutMs: 60_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      `layer-${process.arch === "arm64" ? "arm64" : "x86_64"}.zip, with its own node`,
    );
    expect(run.stdout).toMatch(
      /assumed role role=app event=assumed sessionName=demo-function\.[0-9a-f]+ expiration=/,
    );
    expect(run.stdout).toMatch(
      /SDK default chain, no credential code\s+arn:aws:sts::123456789012:assumed-role\/demo-app\/demo-function\./,
    );
    expect(run.stdout).toContain("allowed  sts:GetCallerIdentity as role audit");
    expect(run.stdout).toMatch(
      /DENIED {3}sts:AssumeRole arn:aws:iam::123456789012:role\/admin\n\s+→ AccessDenied: /,
    );
    for (const n of [1, 2, 3]) expect(run.stdout).toContain(`Invocation ${n} of 3`);
    expect(run.stdout).toMatch(/extension exited 0 in \d+ ms/);
    expect(run.stdout).toMatch(/Demo passed in \d+\.\d s/);
    // The hint names a command that runs as written from the repository (no global install needed).
    expect(run.stdout).toContain("Next: `node dist/cli.mjs local --config your.yaml`");
  });

  it("with --managed-instances, the sidecar registers for SHUTDOWN only and serves every invocation", async () => {
    const run = await runCli(["demo", "--managed-instances"], { timeoutMs: 60_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("AWS_LAMBDA_INITIALIZATION_TYPE=lambda-managed-instances");
    expect(run.stdout).toMatch(/registered event=registered .*\bevents=SHUTDOWN\s/);
    for (const n of [1, 2, 3]) expect(run.stdout).toContain(`Invocation ${n} of 3`);
    expect(run.stdout).toMatch(/extension exited 0 in \d+ ms/);
  });

  it("with --sts moto, a boto3 function reads DynamoDB and is denied S3 under IAM", async (ctx) => {
    if (!hasCommand("moto_server")) ctx.skip("moto_server is not on PATH (pip install 'moto[server]')");
    const run = await runCli(["demo", "--sts", "moto"], { timeoutMs: 60_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /SDK default chain, no credential code\s+arn:aws:sts::123456789012:assumed-role\/demo-app\//,
    );
    expect(run.stdout).toMatch(/allowed {2}dynamodb:GetItem demo-table\n\s+→ .*hello from DynamoDB/);
    expect(run.stdout).toMatch(/DENIED {3}s3:GetObject s3:\/\/demo-bucket\/secret\.txt\n\s+→ AccessDenied/);
  });
});

function hasCommand(name: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
