/**
 * `credentials-sidecar local -- COMMAND` as a user runs it (dist/cli.mjs): the command gets the
 * variables (with --managed-instances too), its exit code is passed on, and an invalid config starts
 * nothing.
 */
import { describe, expect, it } from "vitest";
import { cliWorkDirPerFile, runCli, writeFileIn } from "../support/cli.js";
import { CLIENT_SCRIPTS } from "../support/clients.js";

const workDir = cliWorkDirPerFile("cli-command-");

describe("local -- COMMAND", () => {
  it("runs the command with the variables, stops the sidecar after it and passes its exit code on", async () => {
    const config = writeFileIn(
      workDir,
      "cmd.yaml",
      "roles:\n  only:\n    RoleArn: arn:aws:iam::123456789012:role/only\n",
    );
    const ok = await runCli(["local", "-c", config, "--port", "0", "--", "python3", CLIENT_SCRIPTS.python], {
      home: workDir,
    });
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).arn).toMatch(/:assumed-role\/only\/credentials-sidecar-local\./);
    expect(ok.stderr).toMatch(/extension exited 0 in \d+ ms/);
    const failing = await runCli(["local", "-c", config, "--port", "0", "--", "sh", "-c", "exit 7"], {
      home: workDir,
    });
    expect(failing.code).toBe(7);
  });

  it("with --managed-instances, serves the command with the sidecar registered for SHUTDOWN only", async () => {
    const config = writeFileIn(
      workDir,
      "managed.yaml",
      "roles:\n  only:\n    RoleArn: arn:aws:iam::123456789012:role/only\n",
    );
    const run = await runCli(
      ["local", "-c", config, "--port", "0", "--managed-instances", "--", "python3", CLIENT_SCRIPTS.python],
      { home: workDir },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).arn).toMatch(/:assumed-role\/only\/credentials-sidecar-local\./);
    expect(run.stderr).toMatch(/registered event=registered .*\bevents=SHUTDOWN\s/);
    expect(run.stderr).toMatch(/extension exited 0 in \d+ ms/);
  });

  it("with --tenant-id, serves a role scoped to that tenant, named after it", async () => {
    const config = writeFileIn(
      workDir,
      "tenant.yaml",
      `roles:\n  only:\n    RoleArn: arn:aws:iam::123456789012:role/only\n    RoleSessionName: t-\${tenantId}\n`,
    );
    const run = await runCli(
      ["local", "-c", config, "--port", "0", "--tenant-id", "blue", "--", "python3", CLIENT_SCRIPTS.python],
      { home: workDir },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).arn).toMatch(/:assumed-role\/only\/t-blue$/);
    expect(run.stderr).toMatch(/tenant id known event=tenant tenantId=blue/);
  });

  it("exits 1 and prints the problems when the config is invalid, starting nothing", async () => {
    const config = writeFileIn(workDir, "broken.yaml", "roles: {}\n");
    const run = await runCli(["local", "-c", config, "--", "true"], { home: workDir });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^Invalid config/);
    expect(run.stderr).not.toContain("[sidecar]");
  });
});
