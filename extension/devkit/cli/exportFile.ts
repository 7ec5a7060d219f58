/**
 * `local --export-file PATH`: a file the CLI creates for the session and removes at its end. Never
 * someone else's: created exclusively (an existing path, a symbolic link included, is refused, so a
 * user's `.env` is never overwritten, nor a file planted by another user adopted), 0600, and
 * removed only while it is still the very file created (same device and inode).
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, rmSync, writeSync } from "node:fs";
import { CliError } from "./io.js";

export interface ExportFile {
  readonly path: string;
  /** Writes the whole text and closes the file. */
  write(text: string): void;
  /** Removes the file if it is still the one created here; closes it if still open. */
  remove(): void;
}

export function createExportFile(path: string): ExportFile {
  let fd: number | undefined;
  try {
    fd = openSync(
      path,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      0o600,
    );
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") {
      throw new CliError(
        `--export-file ${path} already exists; it is left as it is. Remove it or name a new file`,
      );
    }
    throw new CliError(`cannot create --export-file ${path}: ${(error as Error).message}`);
  }
  const { dev, ino } = fstatSync(fd);
  const close = () => {
    if (fd === undefined) return;
    closeSync(fd);
    fd = undefined;
  };
  return {
    path,
    write(text) {
      if (fd === undefined) throw new Error("the export file was already written");
      const bytes = Buffer.from(text, "utf8");
      let offset = 0;
      while (offset < bytes.length) offset += writeSync(fd, bytes, offset);
      close();
    },
    remove() {
      close();
      try {
        const now = lstatSync(path);
        if (now.dev === dev && now.ino === ino) rmSync(path, { force: true });
      } catch {
        // Already gone, or replaced by someone: nothing of ours to remove.
      }
    },
  };
}
