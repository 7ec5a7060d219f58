import {
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createExportFile } from "./exportFile.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "export-file-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** What may already be at the path: each must be refused and left exactly as it was. */
const EXISTING: [string, (path: string) => void][] = [
  ["a user's .env", (path) => writeFileSync(path, "SECRET=keep\n", { mode: 0o644 })],
  ["an empty file", (path) => writeFileSync(path, "")],
  [
    "a symbolic link to a user's file",
    (path) => {
      writeFileSync(`${path}.target`, "keep");
      symlinkSync(`${path}.target`, path);
    },
  ],
  ["a dangling symbolic link", (path) => symlinkSync(`${path}.nowhere`, path)],
  ["a symbolic link to /etc/passwd", (path) => symlinkSync("/etc/passwd", path)],
  ["a folder", (path) => mkdirSync(path)],
];

function describePath(path: string): string {
  const stat = lstatSync(path);
  if (stat.isSymbolicLink()) return `link ${readlinkSync(path)} ${existsSync(`${path}.target`)}`;
  return `${stat.mode.toString(8)} ${stat.uid} ${stat.isFile() ? readFileSync(path, "utf8") : "dir"}`;
}

describe("createExportFile", () => {
  it("creates a new 0600 file, writes the text, and removes it", () => {
    const file = createExportFile(join(dir, "sidecar.env"));
    file.write("export A=1\n");

    expect(statSync(file.path).mode & 0o777).toBe(0o600);
    expect(readFileSync(file.path, "utf8")).toBe("export A=1\n");
    file.remove();
    expect(existsSync(file.path)).toBe(false);
  });

  it.each(EXISTING)("refuses %s at the path, says so, and leaves it as it was", (_title, make) => {
    const path = join(dir, ".env");
    make(path);
    const before = describePath(path);

    expect(() => createExportFile(path)).toThrow(`--export-file ${path} already exists`);
    expect(describePath(path)).toBe(before);
  });

  it.skipIf(process.getuid?.() !== 0)(
    "refuses a file another user created first (needs root to chown)",
    () => {
      const path = join(dir, "sidecar.env");
      writeFileSync(path, "", { mode: 0o666 });
      chownSync(path, 65534, 65534);

      expect(() => createExportFile(path)).toThrow(/already exists/);
      expect(lstatSync(path).uid).toBe(65534);
    },
  );

  it("does not remove a file that replaced its own", () => {
    const file = createExportFile(join(dir, "sidecar.env"));
    file.write("ours");
    renameSync(file.path, join(dir, "moved"));
    writeFileSync(file.path, "someone else's");

    file.remove();

    expect(readFileSync(file.path, "utf8")).toBe("someone else's");
  });

  it("removes the file even when it was never written (a failed start)", () => {
    const file = createExportFile(join(dir, "sidecar.env"));

    file.remove();

    expect(existsSync(file.path)).toBe(false);
  });

  it("says why when the folder does not exist", () => {
    expect(() => createExportFile(join(dir, "missing", "x.env"))).toThrow(
      /cannot create --export-file .*ENOENT/,
    );
  });
});
