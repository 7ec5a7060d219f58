import { closeSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeStdout } from "./stdout.js";

describe("writeStdout", () => {
  it("writes the whole text to the descriptor, in order", () => {
    const path = join(tmpdir(), `stdout-test-${process.pid}`);
    const fd = openSync(path, "w");
    try {
      const long = "x".repeat(200_000);
      writeStdout("first\n", fd);
      writeStdout(`${long}\n`, fd);
      writeStdout("last ✓\n", fd);
      expect(readFileSync(path, "utf8")).toBe(`first\n${long}\nlast ✓\n`);
    } finally {
      closeSync(fd);
      rmSync(path, { force: true });
    }
  });

  it("drops the line instead of throwing when the descriptor is unusable", () => {
    const fd = openSync("/dev/null", "r");
    try {
      // Writing to a read-only descriptor fails with EBADF, as a closed log pipe fails with EPIPE.
      expect(() => writeStdout("lost\n", fd)).not.toThrow();
    } finally {
      closeSync(fd);
    }
  });
});
