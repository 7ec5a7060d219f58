import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readZip, writeZip } from "../zip.mjs";

const script = { name: "b/run", data: Buffer.from("#!/bin/sh\necho hi\n"), mode: 0o755 };
const files = [
  script,
  { name: "a.txt", data: Buffer.from("x".repeat(10_000)), mode: 0o644 },
  { name: "b/empty", data: Buffer.alloc(0), mode: 0o600 },
  {
    name: "b/c/random.bin",
    data: Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7919) % 251)),
    mode: 0o644,
  },
];

describe("zip writer", () => {
  it("round-trips names, contents and modes, adding parent directories", async () => {
    const entries = readZip(await writeZip(files));
    expect(
      entries.map((e) => [e.name, (e.mode & 0o170000).toString(8), (e.mode & 0o7777).toString(8)]),
    ).toEqual([
      ["a.txt", "100000", "644"],
      ["b/", "40000", "755"],
      ["b/c/", "40000", "755"],
      ["b/c/random.bin", "100000", "644"],
      ["b/empty", "100000", "600"],
      ["b/run", "100000", "755"],
    ]);
    for (const file of files) {
      expect(entries.find((e) => e.name === file.name)?.data.equals(file.data)).toBe(true);
    }
    expect(entries.find((e) => e.name === "a.txt")?.method).toBe(8); // compressible: deflated
  });

  it("is deterministic: same files in any order give the same bytes", async () => {
    const once = await writeZip(files);
    const again = await writeZip([...files].reverse());
    expect(again.equals(once)).toBe(true);
  });

  it("refuses names that would escape the extraction folder, and duplicates", async () => {
    await expect(writeZip([{ name: "../x", data: Buffer.alloc(1), mode: 0o644 }])).rejects.toThrow(/unsafe/);
    await expect(writeZip([{ name: "/etc/x", data: Buffer.alloc(1), mode: 0o644 }])).rejects.toThrow(
      /unsafe/,
    );
    await expect(writeZip([script, script])).rejects.toThrow(/duplicate/);
  });

  it("detects corruption", async () => {
    const zip = await writeZip([{ name: "f", data: Buffer.from("hello, world"), mode: 0o644 }]);
    const at = zip.indexOf("hello") + 1; // stored (too small to deflate), so the bytes are visible
    zip.writeUInt8(zip.readUInt8(at) ^ 0xff, at);
    expect(() => readZip(zip)).toThrow(/corrupt/);
  });

  // An independent reader: Info-ZIP's unzip honours the Unix modes the same way Lambda's extraction does.
  it("extracts with the unzip CLI, keeping modes", async (ctx) => {
    if (spawnSync("unzip", ["-v"]).status !== 0) ctx.skip("no unzip command (Debian: unzip)");
    const dir = mkdtempSync(join(tmpdir(), "zip-test-"));
    try {
      writeFileSync(join(dir, "t.zip"), await writeZip(files));
      const result = spawnSync("unzip", ["-q", join(dir, "t.zip"), "-d", join(dir, "x")], {
        encoding: "utf8",
      });
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      for (const file of files) {
        const path = join(dir, "x", file.name);
        expect((statSync(path).mode & 0o7777).toString(8)).toBe(file.mode.toString(8));
        expect(readFileSync(path).equals(file.data)).toBe(true);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
