import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scanDefaultRole } from "../config/defaultRoleScan.js";
import { parseConfigBytes } from "../config/parseYaml.js";
import { validateConfig } from "../config/validate.js";
import { chooseDefaultRole, defaultRoleMismatch } from "./defaultRoleChoice.js";

const file = (text: string) =>
  ({ kind: "file", path: "/var/task/c.yaml", read: { ok: true, bytes: Buffer.from(text) } }) as const;

describe("chooseDefaultRole", () => {
  it("the environment config's one role is 'default', decided without a file", () => {
    expect(chooseDefaultRole({ kind: "environment" })).toEqual({ decided: true, defaultRole: "default" });
  });

  it("leaves no config, an unreadable file and bytes that are not UTF-8 to the full load", () => {
    expect(chooseDefaultRole({ kind: "none" }).decided).toBe(false);
    const unreadable = { kind: "file", path: "/x", read: { ok: false, problems: [] } } as const;
    expect(chooseDefaultRole(unreadable).decided).toBe(false);
    expect(chooseDefaultRole(file("default: a\u0000")).decided).toBe(false);
    const latin1 = { ...file(""), read: { ok: true, bytes: Buffer.from([0x64, 0xe9, 0x0a]) } } as const;
    expect(chooseDefaultRole(latin1).decided).toBe(false);
  });

  // Apostrophes in comments (the role's, a function's) leave the line-by-line scan undecided.
  it("reads every example config before register, each as the full parse does", () => {
    const dir = join(import.meta.dirname, "..", "..", "..", "examples", "config");
    for (const name of readdirSync(dir).filter((file) => file.endsWith(".yaml"))) {
      const bytes = readFileSync(join(dir, name));
      const parsed = parseConfigBytes(bytes);
      const validated = parsed.ok ? validateConfig(parsed.value) : undefined;
      if (!parsed.ok || !validated?.ok) throw new Error(`${name} is not a valid config`);
      const text = bytes.toString("utf8");
      // What the scan leaves, the reader reads, and hands on (as the full parse reads it).
      expect(chooseDefaultRole(file(text)), name).toStrictEqual({
        decided: true,
        defaultRole: validated.config.defaultRole,
        ...(scanDefaultRole(text).decided ? {} : { config: parsed.value }),
      });
    }
  });

  it("reads a file the scan leaves with the simple reader: default, else the one role, else none", () => {
    const comment = "# the role's config\n";
    expect(scanDefaultRole(`${comment}roles:\n  a:\n    RoleArn: x\n`).decided).toBe(false);
    expect(chooseDefaultRole(file(`${comment}default: b\nroles:\n  a:\n    RoleArn: x\n`))).toEqual({
      decided: true,
      defaultRole: "b",
      config: { default: "b", roles: { a: { RoleArn: "x" } } },
    });
    expect(chooseDefaultRole(file(`${comment}roles:\n  a:\n    RoleArn: x\n`))).toEqual({
      decided: true,
      defaultRole: "a",
      config: { roles: { a: { RoleArn: "x" } } },
    });
    const two = `${comment}roles:\n  a:\n    RoleArn: x\n  b:\n    RoleArn: z\n`;
    expect(chooseDefaultRole(file(two))).toEqual({
      decided: true,
      defaultRole: undefined,
      config: { roles: { a: { RoleArn: "x" }, b: { RoleArn: "z" } } },
    });
    // What neither decides is loaded in full before register.
    expect(chooseDefaultRole(file(`${comment}roles: {a: {RoleArn: x}}\n`)).decided).toBe(false);
    expect(chooseDefaultRole(file(`${comment}default: 1\nroles:\n  a:\n    RoleArn: x\n`)).decided).toBe(
      false,
    );
    expect(chooseDefaultRole(file(`${comment}roles:\n- a\n`)).decided).toBe(false);
  });

  it("pre-scans a file", () => {
    expect(
      chooseDefaultRole(file("default: b\nroles:\n  a:\n    RoleArn: x\n  b:\n    RoleArn: y\n")),
    ).toEqual({
      decided: true,
      defaultRole: "b",
    });
  });
});

describe("defaultRoleMismatch", () => {
  it("is nothing when the answers agree, a message naming both when they differ", () => {
    expect(defaultRoleMismatch("a", "a")).toBeUndefined();
    expect(defaultRoleMismatch(undefined, undefined)).toBeUndefined();
    expect(defaultRoleMismatch("a", undefined)).toContain(
      'read before register ("a") is not the config\'s (none)',
    );
    expect(defaultRoleMismatch(undefined, "b")).toContain('(none) is not the config\'s ("b")');
  });
});
