import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { recordingIo } from "../../test/support/testIo.js";
import { UsageError } from "./io.js";
import { validateCommand } from "./validate.js";

let dir: string;
const file = (name: string, yaml: string) => {
  const path = join(dir, name);
  writeFileSync(path, yaml);
  return path;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "cli-validate-"));
});

const GOOD = `default: app
roles:
  app:
    RoleArn: arn:aws:iam::123456789012:role/app
  audit:
    RoleArn: arn:aws:iam::123456789012:role/audit
    source: app
`;
const BAD = `default: nope
roles:
  app:
    RoleArn: not-an-arn
    DurationSeconds: 99999
`;

describe("validate", () => {
  it("prints the roles and the default of a valid file and exits 0", async () => {
    const io = recordingIo();
    const path = file("good.yaml", GOOD);
    const code = await validateCommand([path], io);
    expect(code).toBe(0);
    expect(io.stdout).toBe(`${path}: OK (2 roles: app, audit; default: app)\n`);
    expect(io.stderr).toBe("");
  });

  it("says when there is no default role", async () => {
    const io = recordingIo();
    const path = file("nodefault.yaml", GOOD.replace("default: app\n", ""));
    await validateCommand([path], io);
    expect(io.stdout).toBe(
      `${path}: OK (2 roles: app, audit; default: none, SDKs keep the execution role)\n`,
    );
  });

  it("counts one role in the singular", async () => {
    const io = recordingIo();
    const path = file("one.yaml", "roles:\n  app:\n    RoleArn: arn:aws:iam::123456789012:role/app\n");
    await validateCommand([path], io);
    expect(io.stdout).toBe(`${path}: OK (1 role: app; default: app)\n`);
  });

  it("prints every problem on stderr, as the extension's init error does, and exits 1", async () => {
    const io = recordingIo();
    const path = file("bad.yaml", BAD);
    const code = await validateCommand([path], io);
    expect(code).toBe(1);
    expect(io.stdout).toBe("");
    expect(io.stderr).toMatch(new RegExp(`^Invalid config \\(${path}\\), 3 problems:\\n`));
    expect(io.stderr).toContain("  roles.app.RoleArn: must be an IAM role ARN");
    expect(io.stderr).toContain("  roles.app.DurationSeconds: must be at most 43200");
    expect(io.stderr).toContain("  default: names no role in roles");
  });

  it("reports a missing file as an invalid config", async () => {
    const io = recordingIo();
    const code = await validateCommand([join(dir, "missing.yaml")], io);
    expect(code).toBe(1);
    expect(io.stderr).toContain("does not exist");
  });

  it("prints JSON on stdout with --json, whatever the outcome", async () => {
    const good = recordingIo();
    const bad = recordingIo();
    const goodPath = file("good2.yaml", GOOD);
    const badPath = file("bad2.yaml", BAD);
    expect(await validateCommand(["--json", goodPath], good)).toBe(0);
    expect(await validateCommand([badPath, "--json"], bad)).toBe(1);
    expect(JSON.parse(good.stdout)).toEqual({
      file: goodPath,
      valid: true,
      roles: ["app", "audit"],
      defaultRole: "app",
      problems: [],
    });
    const parsed = JSON.parse(bad.stdout) as { valid: boolean; problems: { path: string }[] };
    expect(parsed.valid).toBe(false);
    expect(parsed.problems.map((p) => p.path).sort()).toEqual([
      "default",
      "roles.app.DurationSeconds",
      "roles.app.RoleArn",
    ]);
    expect(bad.stderr).toBe("");
  });

  it("needs exactly one file", async () => {
    await expect(validateCommand([], recordingIo())).rejects.toThrow(UsageError);
    await expect(validateCommand(["a.yaml", "b.yaml"], recordingIo())).rejects.toThrow(/one file, got 2/);
  });

  it("prints its help with the exit codes", async () => {
    const io = recordingIo();
    expect(await validateCommand(["--help"], io)).toBe(0);
    expect(io.stdout).toContain("Exit codes: 0 valid, 1 invalid");
  });
});
