import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LOG_STREAM_FILE } from "../lambda/logStreamReport.js";
import { type FileWriter, writeNewPrivateFile, writeRuntimeFiles } from "./runtimeFiles.js";

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

const CONTENTS = { token: TOKEN, rolesUrl: ROLES_URL, defaultRole: "reader" };

/** Every path and mode under `root`, to show that a refused folder was left exactly as it was. */
function snapshot(root: string): string[] {
  const out: string[] = [];
  const walk = (path: string) => {
    const stat = lstatSync(path);
    out.push(
      `${path.slice(root.length)} ${stat.mode.toString(8)} ${stat.uid} ${stat.isFile() ? readFileSync(path, "utf8") : ""}`,
    );
    if (stat.isDirectory()) for (const name of readdirSync(path).sort()) walk(join(path, name));
  };
  walk(root);
  return out;
}

const isRoot = process.getuid?.() === 0;

describe("writeRuntimeFiles", () => {
  it("creates a 0700 folder (and missing parents) holding 0600 files, without trailing newlines", () => {
    // Prepare
    const directory = join(parent, "nested", "credentials-sidecar");

    // Act
    const files = writeRuntimeFiles(directory, CONTENTS);

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

  it("remove() deletes what it wrote and the folders it made, and nothing else", () => {
    const directory = join(parent, "nested", "rt");
    const files = writeRuntimeFiles(directory, CONTENTS);

    files.remove();

    expect(readdirSync(parent)).toEqual([]);
  });

  it("remove() also deletes the wrapper's log-stream-name report, so the folder it made goes too", () => {
    const directory = join(parent, "rt");
    const files = writeRuntimeFiles(directory, CONTENTS);
    writeFileSync(join(directory, LOG_STREAM_FILE), "2026/12/07/[$LATEST]0123456789abcdef0123456789abcdef");

    files.remove();

    expect(readdirSync(parent)).toEqual([]);
  });

  it("uses an existing empty private folder, keeps it and its mode, and removes only its own files", () => {
    const directory = join(parent, "mine");
    mkdirSync(directory, { mode: 0o750 });
    chmodSync(directory, 0o750);

    const files = writeRuntimeFiles(directory, CONTENTS);
    files.remove();

    expect(modeOf(directory)).toBe(0o750);
    expect(readdirSync(directory)).toEqual([]);
  });

  it("replaces a previous run's leftovers (our names, our files), including a stale default-role", () => {
    // Prepare: what a SIGKILLed run leaves
    const directory = join(parent, "rt");
    writeRuntimeFiles(directory, CONTENTS);
    writeFileSync(join(directory, "token.4242.tmp"), "half");
    writeFileSync(join(directory, "log-stream-name"), "2026/12/01/[$LATEST]0123abcd\n");

    // Act
    writeRuntimeFiles(directory, { token: TOKEN, rolesUrl: ROLES_URL, defaultRole: undefined });

    // Assess
    expect(readdirSync(directory).sort()).toEqual(["roles-url", "token"]);
  });

  const use = /CREDENTIALS_SIDECAR_RUNTIME_DIR/;
  const notDedicated: [string, (dir: string) => void, RegExp][] = [
    ["another file", (dir) => writeFileSync(join(dir, ".env"), "SECRET=1"), /did not make \(".env"\)/],
    ["a folder named like ours", (dir) => mkdirSync(join(dir, "token")), /did not make/],
    [
      "a symbolic link named like ours",
      (dir) => symlinkSync("/etc/passwd", join(dir, "token")),
      /did not make/,
    ],
    ["a name close to ours", (dir) => writeFileSync(join(dir, "token.bak"), "x"), /did not make/],
    [
      "many other files",
      (dir) => {
        for (const name of ["a", "b", "c", "d", "e"]) writeFileSync(join(dir, name), name);
      },
      /and 2 more/,
    ],
  ];
  it.each(notDedicated)("refuses a folder holding %s, and leaves it as it was", (_title, fill, message) => {
    const directory = join(parent, "shared");
    mkdirSync(directory, { mode: 0o700 });
    fill(directory);
    const before = snapshot(parent);

    expect(() => writeRuntimeFiles(directory, CONTENTS)).toThrow(message);
    expect(() => writeRuntimeFiles(directory, CONTENTS)).toThrow(use);
    expect(snapshot(parent)).toEqual(before);
  });

  it.each([0o777, 0o1777, 0o770, 0o702, 0o720, 0o755 | 0o020, 0o707])(
    "refuses a folder of mode %o (writable by others) and does not change its mode",
    (mode) => {
      const directory = join(parent, "open");
      mkdirSync(directory);
      chmodSync(directory, mode);
      const before = snapshot(parent);

      expect(() => writeRuntimeFiles(directory, CONTENTS)).toThrow(/writable by other users/);
      expect(snapshot(parent)).toEqual(before);
    },
  );

  it.skipIf(!isRoot)(
    "refuses a folder, or a leftover-named file, of another user (needs root to chown)",
    () => {
      const theirs = join(parent, "theirs");
      mkdirSync(theirs, { mode: 0o700 });
      chownSync(theirs, 65534, 65534);
      const mixed = join(parent, "mixed");
      mkdirSync(mixed, { mode: 0o700 });
      writeFileSync(join(mixed, "token"), "their token");
      chownSync(join(mixed, "token"), 65534, 65534);
      const before = snapshot(parent);

      expect(() => writeRuntimeFiles(theirs, CONTENTS)).toThrow(/belongs to user 65534/);
      expect(() => writeRuntimeFiles(mixed, CONTENTS)).toThrow(/did not make \("token"\)/);
      expect(snapshot(parent)).toEqual(before);
    },
  );

  it("refuses a symbolic link to a folder, and a path that is a file", () => {
    const real = join(parent, "real");
    mkdirSync(real, { mode: 0o700 });
    symlinkSync(real, join(parent, "link"));
    writeFileSync(join(parent, "file"), "x");
    const before = snapshot(parent);

    expect(() => writeRuntimeFiles(join(parent, "link"), CONTENTS)).toThrow(/symbolic link/);
    expect(() => writeRuntimeFiles(join(parent, "file"), CONTENTS)).toThrow(/not a folder/);
    expect(() => writeRuntimeFiles(join(parent, "file", "below"), CONTENTS)).toThrow(use);
    expect(snapshot(parent)).toEqual(before);
  });

  // A full disk between two files, at each point it can happen: nothing written may stay behind.
  it.each([1, 2, 3])(
    "when write number %i fails, removes what it wrote and the folders it made",
    (failAt) => {
      let writes = 0;
      const failing: FileWriter = (path, text) => {
        writes++;
        if (writes === failAt) {
          writeFileSync(path, text.slice(0, 3), { mode: 0o600 }); // a partial file, as ENOSPC leaves
          throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
        }
        writeNewPrivateFile(path, text);
      };

      expect(() => writeRuntimeFiles(join(parent, "a", "rt"), CONTENTS, failing)).toThrow(/ENOSPC/);
      expect(readdirSync(parent)).toEqual([]);
    },
  );

  it.each([1, 2, 3])(
    "when write number %i fails in an existing folder, leaves the folder and removes its own files",
    (failAt) => {
      const directory = join(parent, "kept");
      mkdirSync(directory, { mode: 0o700 });
      let writes = 0;
      const failing: FileWriter = (path, text) => {
        if (++writes === failAt) throw Object.assign(new Error("EIO"), { code: "EIO" });
        writeNewPrivateFile(path, text);
      };

      expect(() => writeRuntimeFiles(directory, CONTENTS, failing)).toThrow(/EIO/);
      expect(readdirSync(directory)).toEqual([]);
    },
  );

  it("never writes through a symbolic link or over an existing file", () => {
    const target = join(parent, "target");
    writeFileSync(target, "keep");
    symlinkSync(target, join(parent, "link"));

    expect(() => writeNewPrivateFile(join(parent, "link"), "x")).toThrow(/EEXIST/);
    expect(() => writeNewPrivateFile(target, "x")).toThrow(/EEXIST/);
    expect(readFileSync(target, "utf8")).toBe("keep");
  });
});
