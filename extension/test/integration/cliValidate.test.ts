/**
 * `credentials-sidecar validate` as a user runs it (dist/cli.mjs): exit codes 0, 1 and 2, the
 * problems on stderr, JSON for pipelines.
 */
import { describe, expect, it } from "vitest";
import { cliWorkDirPerFile, runCli, writeFileIn } from "../support/cli.js";

const workDir = cliWorkDirPerFile("cli-validate-");

describe("validate", () => {
  const good = () =>
    writeFileIn(
      workDir,
      "good.yaml",
      "default: app\nroles:\n  app:\n    RoleArn: arn:aws:iam::123456789012:role/app\n  audit:\n    RoleArn: arn:aws:iam::123456789012:role/audit\n    source: app\n",
    );
  const bad = () =>
    writeFileIn(
      workDir,
      "bad.yaml",
      "default: ghost\nroles:\n  app:\n    RoleArn: arn:aws:iam::123456789012:role/app\n    DurationSeconds: 60\n    Colour: blue\n",
    );

  it("prints OK with the roles and exits 0 for a valid file", async () => {
    const path = good();
    const run = await runCli(["validate", path], { home: workDir });
    expect(run).toEqual({ code: 0, stdout: `${path}: OK (2 roles: app, audit; default: app)\n`, stderr: "" });
  });

  it("prints every problem on stderr and exits 1 for an invalid file", async () => {
    const path = bad();
    const run = await runCli(["validate", path], { home: workDir });
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

  it("refuses a role key YAML reads as a number, which would name the same role as its quoted twin", async () => {
    const path = writeFileIn(
      workDir,
      "keys.yaml",
      "roles:\n  '1':\n    RoleArn: arn:aws:iam::123456789012:role/app\n  0x1:\n    RoleArn: arn:aws:iam::123456789012:role/admin\n",
    );
    const run = await runCli(["validate", path], { home: workDir });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(
      `Invalid config (${path}), 1 problem:\n  line 4, column 3: the key "0x1" is read by YAML as the number 1; quote it to keep the text as written\n`,
    );
  });

  it("prints JSON for pipelines with --json", async () => {
    const run = await runCli(["validate", "--json", bad()], { home: workDir });
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
    const run = await runCli(["validate"], { home: workDir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^credentials-sidecar: validate needs the config file to check\n/);
    expect(run.stderr).not.toMatch(/\bat .*\.mjs:\d+/);
  });
});
