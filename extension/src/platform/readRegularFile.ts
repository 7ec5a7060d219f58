import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";

/**
 * Reads a regular file of at most `maxBytes` without ever blocking the event loop on what the
 * path turns out to be. The path is opened non-blocking (a FIFO without a writer would otherwise
 * hold `open` forever), and the opened descriptor, not the path, is checked: whatever is swapped in
 * between a look and the open is what gets checked. FIFOs, devices, sockets and folders are
 * refused before a byte is read; so is a file over the limit, and one that grows past it while
 * read. `followLinks: false` adds O_NOFOLLOW: a symbolic link as the last part is refused (ELOOP).
 */
export function readRegularFile(path: string, maxBytes: number, options: { followLinks: boolean }): Buffer {
  const flags = constants.O_RDONLY | constants.O_NONBLOCK | (options.followLinks ? 0 : constants.O_NOFOLLOW);
  let fd: number;
  try {
    fd = openSync(path, flags);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ELOOP" && !options.followLinks) {
      throw new NotReadable(path, "is a symbolic link", "ELOOP");
    }
    throw error;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new NotReadable(path, `is not a regular file (${kindOf(stat)})`, "ENOTREG");
    if (stat.size > maxBytes) throw new NotReadable(path, `is larger than ${maxBytes} bytes`, "EFBIG");
    // Room for the size it has now and one byte more, to see it grew; grown as needed, to the limit.
    let buffer = Buffer.alloc(stat.size + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        const larger = Buffer.alloc(Math.min(buffer.length * 2, maxBytes + 1));
        buffer.copy(larger);
        buffer = larger;
      }
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      length += read;
      if (length > maxBytes) throw new NotReadable(path, `is larger than ${maxBytes} bytes`, "EFBIG");
      if (read === 0) return buffer.subarray(0, length);
    }
  } finally {
    closeSync(fd);
  }
}

/** A refusal of what the path is, with a message that names it; `code` as an errno would say it. */
export class NotReadable extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
    readonly code: "ELOOP" | "ENOTREG" | "EFBIG",
  ) {
    super(`${path} ${reason}`);
  }
}

function kindOf(stat: Stats): string {
  if (stat.isDirectory()) return "a folder";
  if (stat.isFIFO()) return "a FIFO";
  if (stat.isCharacterDevice()) return "a character device";
  if (stat.isBlockDevice()) return "a block device";
  if (stat.isSocket()) return "a socket";
  return "not a file";
}
