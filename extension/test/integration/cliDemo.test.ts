/**
 * `credentials-sidecar demo` as a user runs it (dist/cli.mjs): the built layer end to end with the
 * built-in STS (also as Managed Instances), and with moto under IAM when moto_server is there.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cliWorkDirPerFile, hasCommand, runCli } from "../support/cli.js";
import { REPO_ROOT } from "../support/extensionProcess.js";

const LAYER_ZIP = join(REPO_ROOT, "dist", process.arch === "arm64" ? "layer-arm64.zip" : "layer-x86_64.zip");
const workDir = cliWorkDirPerFile("cli-demo-");

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
    const run = await runCli(["demo"], { home: workDir, timeoutMs: 60_000 });
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
    expect(run.stdout).toContain("Next: `npx credentials-sidecar local --config your.yaml`");
  });

  it("with --managed-instances, the sidecar registers for SHUTDOWN only and serves every invocation", async () => {
    const run = await runCli(["demo", "--managed-instances"], { home: workDir, timeoutMs: 60_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("AWS_LAMBDA_INITIALIZATION_TYPE=lambda-managed-instances");
    expect(run.stdout).toMatch(/registered event=registered .*\bevents=SHUTDOWN\s/);
    for (const n of [1, 2, 3]) expect(run.stdout).toContain(`Invocation ${n} of 3`);
    expect(run.stdout).toMatch(/extension exited 0 in \d+ ms/);
  });

  it("with --tenants, two environments of two tenants act as differently tagged sessions", async () => {
    const run = await runCli(["demo", "--tenants"], { home: workDir, timeoutMs: 60_000 });
    expect(run.code, run.stderr).toBe(0);
    for (const tenant of ["blue", "green"]) {
      expect(run.stdout).toMatch(
        new RegExp(`default chain\\s+arn:aws:sts::123456789012:assumed-role/demo-app/tenant-${tenant}\\n`),
      );
      expect(run.stdout).toContain(`demo-app as tenant-${tenant}, tags: tenant=${tenant}\n`);
      expect(run.stdout).toContain(`demo-audit as audit-${tenant}, tags: tenant=${tenant}\n`);
    }
    expect(run.stdout).toMatch(/Demo passed in \d+\.\d s/);
  });

  it("with --sts moto, a boto3 function reads DynamoDB and is denied S3 under IAM", async (ctx) => {
    if (!hasCommand("moto_server")) ctx.skip("moto_server is not on PATH (pip install 'moto[server]')");
    const run = await runCli(["demo", "--sts", "moto"], { home: workDir, timeoutMs: 60_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /SDK default chain, no credential code\s+arn:aws:sts::123456789012:assumed-role\/demo-app\//,
    );
    expect(run.stdout).toMatch(/allowed {2}dynamodb:GetItem demo-table\n\s+→ .*hello from DynamoDB/);
    expect(run.stdout).toMatch(/DENIED {3}s3:GetObject s3:\/\/demo-bucket\/secret\.txt\n\s+→ AccessDenied/);
  });
});
