/**
 * `credentials-sidecar local --sts builtin` as a user runs it (dist/cli.mjs): shell lines on stdout,
 * status on stderr, the same lines in a private --export-file, real SDK clients served through the
 * exported variables, and Ctrl-C sending SHUTDOWN and cleaning up.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KitProcess, startProcess } from "../../devkit/processKit.mjs";
import { CLI, cliEnv, cliWorkDirPerFile, parseExports, writeFileIn } from "../support/cli.js";
import { CLIENT_KINDS, runClient } from "../support/clients.js";

const workDir = cliWorkDirPerFile("cli-local-");

describe("local --sts builtin", () => {
  let local: KitProcess;
  let stdout = "";
  let stderr = "";
  let tmp: string;
  let exportFile: string;

  beforeAll(async () => {
    tmp = mkdtempSync(join(workDir, "tmp-"));
    exportFile = join(workDir, "sidecar.env");
    const config = writeFileIn(
      workDir,
      "local.yaml",
      "default: reader\nroles:\n  reader:\n    RoleArn: arn:aws:iam::123456789012:role/reader\n  writer:\n    RoleArn: arn:aws:iam::123456789012:role/writer\n",
    );
    local = startProcess({
      command: process.execPath,
      args: [CLI, "local", "--config", config, "--port", "0", "--export-file", exportFile],
      env: cliEnv(workDir, tmp),
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
