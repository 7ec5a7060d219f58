import { execFileSync, spawnSync } from "node:child_process";
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import yazl from "yazl";
import { extractEntries, extractZip, listZip, readZip, writeZip } from "../zip.mjs";

const zipModule = fileURLToPath(new URL("../zip.mjs", import.meta.url));
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

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "zip-test-"));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A zip written with yazl directly, for entries writeZip never makes (links, odd names). */
async function rawZip(
  entries: { name: string; data: string; mode: number }[],
  options: { compress?: boolean } = {},
): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const entry of entries)
    zip.addBuffer(Buffer.from(entry.data), entry.name, { ...options, mode: entry.mode });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Renames an entry in the bytes (local and central headers): for names no zip writer accepts. */
const renamed = (zip: Buffer, from: string, to: string) =>
  Buffer.from(zip.toString("latin1").replaceAll(from, to), "latin1");

describe("writeZip and readZip", () => {
  it("round-trip names, contents and modes, adding parent directories", async () => {
    const entries = await readZip(await writeZip(files));
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
    const text = entries.find((e) => e.name === "a.txt");
    expect(text?.compressedSize).toBeLessThan(100); // deflated
    expect(text?.size).toBe(10_000);
    expect((await listZip(await writeZip(files))).map((e) => [e.name, e.mode, e.size])).toEqual(
      entries.map((e) => [e.name, e.mode, e.size]),
    );
  });

  it("is deterministic: same files in any order give the same bytes", async () => {
    const once = await writeZip(files);
    const again = await writeZip([...files].reverse());
    expect(again.equals(once)).toBe(true);
  });

  // The DOS date and time in a zip are local: a writer that fixed the mtime in UTC would write other
  // bytes in another time zone. Zones east and west of UTC, half and quarter hours, summer time.
  it("gives the same bytes in every time zone", async () => {
    const zones = ["UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Kolkata", "Pacific/Chatham"];
    const program = `import(${JSON.stringify(zipModule)}).then(async ({ writeZip }) => {
      const zip = await writeZip([{ name: "a/b", data: Buffer.from("hi"), mode: 0o755 }]);
      process.stdout.write(zip.toString("base64"));
    });`;
    const outputs = zones.map((TZ) =>
      execFileSync(process.execPath, ["-e", program], { env: { ...process.env, TZ }, encoding: "utf8" }),
    );
    expect(new Set(outputs).size).toBe(1);
    await expect(readZip(Buffer.from(outputs[0] ?? "", "base64"))).resolves.toHaveLength(2);
  });

  it("refuses names that would escape the extraction folder, and duplicates", async () => {
    for (const name of ["../x", "a/../../x", "/etc/x", "a/..", "C:/x"]) {
      await expect(writeZip([{ name, data: Buffer.alloc(1), mode: 0o644 }]), name).rejects.toThrow(
        /absolute path|invalid relative path/,
      );
    }
    await expect(writeZip([script, script])).rejects.toThrow(/duplicate zip entry: b\/run/);
  });

  it("detects corruption: a changed byte, a cut-off archive, something else", async () => {
    /** The archive with one bit of the first entry's data flipped. */
    const flipped = (zip: Buffer, offset: number) => {
      const copy = Buffer.from(zip);
      const at = 30 + copy.readUInt16LE(26) + copy.readUInt16LE(28) + offset; // after the local header
      copy.writeUInt8(copy.readUInt8(at) ^ 0x01, at);
      return copy;
    };
    // Stored data keeps its size: only the CRC-32 (which yauzl leaves to its callers) tells.
    const stored = await rawZip([{ name: "f", data: "hello, world", mode: 0o100644 }], { compress: false });
    for (const offset of [0, 5, 11]) {
      await expect(readZip(flipped(stored, offset))).rejects.toThrow("corrupt zip entry f: wrong CRC-32");
    }
    const deflated = await writeZip([
      { name: "f", data: Buffer.from("hello, world ".repeat(50)), mode: 0o644 },
    ]);
    for (const offset of [2, 5, 9]) await expect(readZip(flipped(deflated, offset))).rejects.toThrow();
    const cut = deflated.subarray(0, deflated.length - 1);
    await expect(readZip(cut)).rejects.toThrow(/end of central directory record signature not found/i);
    await expect(listZip(Buffer.from("not a zip"))).rejects.toThrow(/end of central directory/i);
  });

  // An independent reader: Info-ZIP's unzip honours the Unix modes the same way Lambda's extraction does.
  it("extracts with the unzip CLI, keeping modes", async (ctx) => {
    if (spawnSync("unzip", ["-v"]).status !== 0) ctx.skip("no unzip command (Debian: unzip)");
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
  });
});

describe("extractZip", () => {
  it("writes files with their modes and returns the real folder", async () => {
    const into = join(dir, "opt");
    expect(await extractZip(await writeZip(files), into)).toBe(into);
    for (const file of files) {
      const path = join(into, file.name);
      expect((statSync(path).mode & 0o7777).toString(8)).toBe(file.mode.toString(8));
      expect(readFileSync(path).equals(file.data)).toBe(true);
    }
  });

  // Zip-slip: whatever spelling the name takes, nothing lands outside the folder.
  it.each(["../escaped", "a/../../escaped", "/tmp/escaped", "..\\escaped"])(
    "refuses an entry named %s and writes nothing outside",
    async (name) => {
      const safe = "x".repeat(name.length);
      const zip = renamed(await rawZip([{ name: safe, data: "x", mode: 0o100644 }]), safe, name);
      const into = mkdtempSync(join(dir, "slip-"));
      await expect(extractZip(zip, join(into, "opt"))).rejects.toThrow(/path|name/i);
      expect(existsSync(join(into, "escaped"))).toBe(false);
      expect(existsSync(join(dir, "escaped"))).toBe(false);
    },
  );

  it("refuses entries already read that leave the folder (checked at extraction too)", () => {
    const into = mkdtempSync(join(dir, "entries-"));
    const entry = { name: "../escaped", mode: 0o100644, isDirectory: false, size: 1, compressedSize: 1 };
    expect(() => extractEntries([{ ...entry, data: Buffer.from("x") }], join(into, "opt"))).toThrow(
      /zip entry \.\.\/escaped leaves/,
    );
    expect(existsSync(join(into, "escaped"))).toBe(false);
  });

  it("makes no symbolic link, and writes through none", async () => {
    const link = await rawZip([{ name: "link", data: "/etc/passwd", mode: 0o120777 }]);
    const into = mkdtempSync(join(dir, "link-"));
    await expect(extractZip(link, into)).rejects.toThrow(
      /zip entry link is not a regular file \(mode 120777\)/,
    );
    expect(existsSync(join(into, "link"))).toBe(false);

    // A link already there is neither followed nor replaced.
    const target = join(dir, "outside.txt");
    writeFileSync(target, "keep me");
    const again = mkdtempSync(join(dir, "again-"));
    symlinkSync(target, join(again, "f"));
    const file = await writeZip([{ name: "f", data: Buffer.from("new"), mode: 0o644 }]);
    await expect(extractZip(file, again)).rejects.toThrow(/EEXIST/);
    expect(lstatSync(join(again, "f")).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, "utf8")).toBe("keep me");
  });
});
