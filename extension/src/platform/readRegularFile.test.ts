import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  CAN_MAKE_DEVICES,
  makeSpecial,
  SPECIAL_KINDS,
  type SpecialKind,
} from "../../test/support/specialFiles.js";
import { NotReadable, readRegularFile } from "./readRegularFile.js";

const CONTENT = "roles: {}\n";
const MAX = 64;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "read-regular-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** What each kind is refused as, by whether links are followed; undefined: read. */
const EXPECTED: Record<SpecialKind, { follow: string | undefined; noFollow: string }> = {
  fifo: { follow: "is not a regular file (a FIFO)", noFollow: "is not a regular file (a FIFO)" },
  folder: { follow: "is not a regular file (a folder)", noFollow: "is not a regular file (a folder)" },
  device: {
    follow: "is not a regular file (a character device)",
    noFollow: "is not a regular file (a character device)",
  },
  oversized: { follow: `is larger than ${MAX} bytes`, noFollow: `is larger than ${MAX} bytes` },
  "link to a regular file": { follow: undefined, noFollow: "is a symbolic link" },
  "link to a fifo": { follow: "is not a regular file (a FIFO)", noFollow: "is a symbolic link" },
  "link to /dev/zero": {
    follow: "is not a regular file (a character device)",
    noFollow: "is a symbolic link",
  },
};

describe("readRegularFile", () => {
  it("reads a regular file up to its limit", () => {
    const path = join(dir, "file");
    writeFileSync(path, "x".repeat(MAX));

    expect(readRegularFile(path, MAX, { followLinks: false }).toString()).toBe("x".repeat(MAX));
  });

  it("reads an empty file as empty", () => {
    const path = join(dir, "empty");
    writeFileSync(path, "");

    expect(readRegularFile(path, MAX, { followLinks: false })).toHaveLength(0);
  });

  describe.each([true, false])("following links: %s", (followLinks) => {
    it.each(SPECIAL_KINDS)("%s: refused at once without reading, or read when it leads to a file", (kind) => {
      if (kind === "device" && !CAN_MAKE_DEVICES) return;
      const path = join(dir, "entry");
      makeSpecial(kind, path, CONTENT, MAX);
      const expected = followLinks ? EXPECTED[kind].follow : EXPECTED[kind].noFollow;

      // Act: synchronous, so a blocking open would never return here
      const outcome = (() => {
        try {
          return readRegularFile(path, MAX, { followLinks }).toString();
        } catch (error) {
          return error;
        }
      })();

      // Assess
      if (expected === undefined) {
        expect(outcome).toBe(CONTENT);
      } else {
        expect(outcome).toBeInstanceOf(NotReadable);
        expect((outcome as NotReadable).reason).toBe(expected);
        expect((outcome as NotReadable).message).toBe(`${path} ${expected}`);
      }
    });
  });

  it("passes other errors through with their code (ENOENT)", () => {
    expect(() => readRegularFile(join(dir, "missing"), MAX, { followLinks: true })).toThrow(
      expect.objectContaining({ code: "ENOENT" }),
    );
  });

  it("the control: a FIFO without a writer holds a plain blocking open (killed after 1 s)", () => {
    const path = join(dir, "fifo");
    makeSpecial("fifo", path, CONTENT, MAX);

    const run = spawnSync(
      process.execPath,
      ["-e", `require("node:fs").openSync(${JSON.stringify(path)}, "r")`],
      {
        timeout: 1000,
      },
    );

    expect(run.signal).toBe("SIGTERM");
  });
});
