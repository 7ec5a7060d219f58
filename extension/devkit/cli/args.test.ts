import { describe, expect, it } from "vitest";
import { parseChoice, parseCommandArgs, parsePort, parseSeconds } from "./args.js";
import { UsageError } from "./io.js";

describe("parseCommandArgs", () => {
  it("adds --help and -h to every command", () => {
    expect(parseCommandArgs(["-h"], {}).values.help).toBe(true);
    expect(parseCommandArgs(["--help"], {}).values.help).toBe(true);
  });

  it("turns an unknown option into a UsageError without Node's advice", () => {
    const act = () => parseCommandArgs(["--nope"], { json: { type: "boolean" } });
    expect(act).toThrow(UsageError);
    expect(act).toThrow(/^Unknown option '--nope'$/);
  });

  it("rejects a value given to a boolean option", () => {
    expect(() => parseCommandArgs(["--json=yes"], { json: { type: "boolean" } })).toThrow(UsageError);
  });

  it("treats everything after -- as positionals", () => {
    const { positionals } = parseCommandArgs(["--", "aws", "--version"], {});
    expect(positionals).toEqual(["aws", "--version"]);
  });
});

describe("parsePort", () => {
  it("falls back when the option is absent and accepts 1 to 65535", () => {
    expect(parsePort(undefined, "--port", 9770)).toBe(9770);
    expect(parsePort("1", "--port", 9770)).toBe(1);
    expect(parsePort("65535", "--port", 9770)).toBe(65535);
  });

  it.each(["0", "65536", "12.5", "-1", "80x", ""])("rejects %j with the option's name", (text) => {
    expect(() => parsePort(text, "--port", 9770)).toThrow(/^--port must be a port number/);
  });

  it("takes 0 (any free port) only where the command allows it", () => {
    expect(parsePort("0", "--port", 9770, { anyFree: true })).toBe(0);
    expect(() => parsePort("0", "--port", 9770)).toThrow(/from 1 to 65535, got "0"/);
  });

  it.each(["65536", "-1", ""])("with 0 allowed still rejects %j", (text) => {
    expect(() => parsePort(text, "--port", 9770, { anyFree: true })).toThrow(
      /^--port must be a port number from 1 to 65535 \(or 0: any free port\)/,
    );
  });
});

describe("parseSeconds", () => {
  it("accepts fractions and falls back when absent", () => {
    expect(parseSeconds("0.5", "--invoke-every", 60)).toBe(0.5);
    expect(parseSeconds(undefined, "--invoke-every", 60)).toBe(60);
  });

  it.each(["0", "-5", "abc", "86401"])("rejects %j", (text) => {
    expect(() => parseSeconds(text, "--invoke-every", 60)).toThrow(UsageError);
  });
});

describe("parseChoice", () => {
  it("returns the choice or the fallback, and names the choices when wrong", () => {
    expect(parseChoice("aws", "--sts", ["builtin", "aws"], "builtin")).toBe("aws");
    expect(parseChoice(undefined, "--sts", ["builtin", "aws"], "builtin")).toBe("builtin");
    expect(() => parseChoice("moto", "--sts", ["builtin", "aws"], "builtin")).toThrow(
      '--sts must be builtin or aws, got "moto"',
    );
  });
});
