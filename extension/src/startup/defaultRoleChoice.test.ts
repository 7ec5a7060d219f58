import { describe, expect, it } from "vitest";
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
