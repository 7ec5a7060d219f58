import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeRuntimeFiles } from "./runtimeFiles.js";

const TOKEN = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcd";
const ROLES_URL = "http://127.0.0.1:9770/roles/";

let parent: string;
beforeEach(() => {
  parent = mkdtempSync(join(tmpdir(), "runtime-files-"));
});
afterEach(() => {
  rmSync(parent, { recursive: true, force: true });
});

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe("writeRuntimeFiles", () => {
  it("creates a 0700 folder holding 0600 files, without trailing newlines", () => {
    // Prepare
    const directory = join(parent, "nested", "credentials-sidecar");

    // Act
    const files = writeRuntimeFiles(directory, { token: TOKEN, rolesUrl: ROLES_URL, defaultRole: "reader" });

    // Assess
    expect(files.directory).toBe(directory);
    expect(modeOf(directory)).toBe(0o700);
    expect(readdirSync(directory).sort()).toEqual(["default-role", "roles-url", "token"]);
    for (const name of ["token", "roles-url", "default-role"])
      expect(modeOf(join(directory, name))).toBe(0o600);
    expect(readFileSync(join(directory, "token"), "utf8")).toBe(TOKEN);
    expect(readFileSync(join(directory, "roles-url"), "utf8")).toBe(ROLES_URL);
    expect(readFileSync(join(directory, "default-role"), "utf8")).toBe("reader");
  });

  it("tightens an existing folder and files that were too open", () => {
    const directory = join(parent, "open");
    mkdirSync(directory, { mode: 0o755 });
    chmodSync(directory, 0o755);
    writeFileSync(join(directory, "token"), "old\n", { mode: 0o644 });

    writeRuntimeFiles(directory, { token: TOKEN, rolesUrl: ROLES_URL, defaultRole: undefined });

    expect(modeOf(directory)).toBe(0o700);
    expect(modeOf(join(directory, "token"))).toBe(0o600);
    expect(readFileSync(join(directory, "token"), "utf8")).toBe(TOKEN);
  });

  it("removes a stale default-role when there is no default any more", () => {
    // Prepare
    const directory = join(parent, "rt");
    writeRuntimeFiles(directory, { token: TOKEN, rolesUrl: ROLES_URL, defaultRole: "reader" });

    // Act
    writeRuntimeFiles(directory, { token: TOKEN, rolesUrl: ROLES_URL, defaultRole: undefined });

    // Assess
    expect(existsSync(join(directory, "default-role"))).toBe(false);
    expect(readdirSync(directory).sort()).toEqual(["roles-url", "token"]);
  });

  it("remove() deletes the files and leaves nothing behind", () => {
    const directory = join(parent, "rt");
    const files = writeRuntimeFiles(directory, { token: TOKEN, rolesUrl: ROLES_URL, defaultRole: "reader" });

    files.remove();

    expect(readdirSync(directory)).toEqual([]);
  });

  it("refuses a path that is a file", () => {
    const path = join(parent, "not-a-folder");
    writeFileSync(path, "x");

    expect(() =>
      writeRuntimeFiles(path, { token: TOKEN, rolesUrl: ROLES_URL, defaultRole: undefined }),
    ).toThrow();
  });
});
