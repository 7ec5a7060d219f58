/**
 * What may sit at a path the extension reads, in place of the regular file it expects: each kind
 * made at a given path, so every read site meets every kind. A FIFO without a writer blocks a plain
 * open forever; a device never ends; a folder, a socket or a huge file are no config either.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { MAX_CONFIG_BYTES } from "../../src/config/limits.js";

export type SpecialKind =
  | "fifo"
  | "folder"
  | "device"
  | "oversized"
  | "link to a regular file"
  | "link to a fifo"
  | "link to /dev/zero";

export const SPECIAL_KINDS: readonly SpecialKind[] = [
  "fifo",
  "folder",
  "device",
  "oversized",
  "link to a regular file",
  "link to a fifo",
  "link to /dev/zero",
];

/**
 * What the config file's reader says of each kind at the config path (a link is followed: a package
 * may ship the config as one, and what it leads to is checked as the file); undefined: it is read.
 */
export const CONFIG_FILE_REFUSALS: Readonly<Record<SpecialKind, string | undefined>> = {
  fifo: "is not a regular file (a FIFO)",
  folder: "is not a regular file (a folder)",
  device: "is not a regular file (a character device)",
  oversized: `is larger than ${MAX_CONFIG_BYTES} bytes`,
  "link to a regular file": undefined,
  "link to a fifo": "is not a regular file (a FIFO)",
  "link to /dev/zero": "is not a regular file (a character device)",
};

/** mknod needs root (CAP_MKNOD): elsewhere the "device" kind cannot be made in a folder. */
export const CAN_MAKE_DEVICES = typeof process.getuid === "function" && process.getuid() === 0;

/**
 * Makes `kind` at `path`. `content` is what a regular file there would hold (a link's target gets
 * it; an oversized file is `content` padded past `maxBytes`). Targets are made beside `path`.
 */
export function makeSpecial(kind: SpecialKind, path: string, content: string, maxBytes: number): void {
  switch (kind) {
    case "fifo":
      execFileSync("mkfifo", [path]);
      break;
    case "folder":
      mkdirSync(path);
      break;
    case "device":
      // /dev/zero's numbers (char 1:5): a device that never ends, in the folder itself.
      execFileSync("mknod", [path, "c", "1", "5"]);
      break;
    case "oversized":
      writeFileSync(path, content + " ".repeat(maxBytes + 1 - content.length));
      break;
    case "link to a regular file":
      writeFileSync(`${path}.target`, content);
      symlinkSync(`${path}.target`, path);
      break;
    case "link to a fifo":
      execFileSync("mkfifo", [`${path}.target`]);
      symlinkSync(`${path}.target`, path);
      break;
    case "link to /dev/zero":
      symlinkSync("/dev/zero", path);
      break;
  }
}
