import { closeSync, openSync, readSync } from "node:fs";

/**
 * Reads `path` until its end or `limit` bytes, whichever comes first: a device that never ends
 * (/dev/urandom) is never read past the limit. For the kernel's own devices at fixed paths only:
 * files found in a folder are read with readRegularFile, which cannot block on what it finds.
 */
export function readBounded(path: string, limit: number): Buffer {
  const buffer = Buffer.alloc(limit);
  const fd = openSync(path, "r");
  try {
    let length = 0;
    for (;;) {
      const read = readSync(fd, buffer, length, limit - length, null);
      length += read;
      if (read === 0 || length >= limit) return buffer.subarray(0, length);
    }
  } finally {
    closeSync(fd);
  }
}
