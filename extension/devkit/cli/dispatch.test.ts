import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { VERSION } from "../../src/platform/version.js";
import { recordingIo } from "../../test/support/testIo.js";
import { COMMANDS, runCli } from "./dispatch.js";

describe("runCli", () => {
  it("prints the usage and exits 2 without a command", async () => {
    const io = recordingIo();
    expect(await runCli([], io)).toBe(2);
    expect(io.stdout).toMatch(/^Usage: credentials-sidecar <command>/);
    for (const name of Object.keys(COMMANDS)) expect(io.stdout).toContain(`  ${name} `);
  });

  it("prints the usage and exits 0 when asked for it", async () => {
    for (const args of [["--help"], ["-h"], ["help"]]) {
      const io = recordingIo();
      expect(await runCli(args, io)).toBe(0);
      expect(io.stdout).toMatch(/^Usage: credentials-sidecar <command>/);
    }
  });

  it("prints a command's help with `help <command>` and `<command> --help`", async () => {
    for (const args of [
      ["help", "local"],
      ["local", "--help"],
    ]) {
      const io = recordingIo();
      expect(await runCli(args, io)).toBe(0);
      expect(io.stdout).toBe(COMMANDS.local?.help);
    }
  });

  it("prints the version", async () => {
    const io = recordingIo();
    expect(await runCli(["--version"], io)).toBe(0);
    expect(io.stdout).toBe(`credentials-sidecar ${VERSION}\n`);
  });

  it("reports an unknown command as a usage error", async () => {
    const io = recordingIo();
    expect(await runCli(["deploy"], io)).toBe(2);
    expect(io.stderr).toBe(
      'credentials-sidecar: unknown command "deploy"\nRun `credentials-sidecar --help` for usage.\n',
    );
  });

  it("reports a command's usage error with a pointer to its help, without a stack", async () => {
    const io = recordingIo();
    expect(await runCli(["validate", "--bogus"], io)).toBe(2);
    expect(io.stderr).toBe(
      "credentials-sidecar: Unknown option '--bogus'\nRun `credentials-sidecar validate --help` for usage.\n",
    );
  });

  it("does not treat inherited property names as commands", async () => {
    expect(await runCli(["constructor"], recordingIo())).toBe(2);
  });
});

describe("schema", () => {
  it("prints config.schema.json, which names no URL of its own", async () => {
    const io = recordingIo();

    expect(await runCli(["schema"], io)).toBe(0);

    const printed = JSON.parse(io.stdout) as Record<string, unknown>;
    const file = JSON.parse(
      readFileSync(fileURLToPath(new URL("../../../config.schema.json", import.meta.url)), "utf8"),
    ) as Record<string, unknown>;
    expect(printed).toEqual(file);
    expect(printed).not.toHaveProperty("$id");
  });

  it("refuses an argument: the schema goes to stdout", async () => {
    const io = recordingIo();

    expect(await runCli(["schema", "out.json"], io)).toBe(2);
    expect(io.stderr).toContain("redirect its output");
  });
});
