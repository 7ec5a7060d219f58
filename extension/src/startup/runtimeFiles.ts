import {
  chmodSync,
  closeSync,
  constants,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmdirSync,
  rmSync,
  type Stats,
  writeSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { ENV } from "./env.js";

/**
 * What the exec wrapper reads before the runtime starts: the token, the roles URL and the default
 * role. Lambda starts the runtime only after every extension registered, and these are written
 * before `register`, so the wrapper always finds them. Files 0600 in a folder only we can write.
 *
 * The folder is the sidecar's alone. It is made (0700) when missing; an existing one is used only
 * when it is a real folder of this user, not writable by group or others, holding nothing but
 * what a previous run of the sidecar left there: exactly the names below (and their `.<pid>.tmp`
 * temporaries), regular files of this user. Anything else is refused and left as it was: the
 * sidecar never changes the mode of a folder it did not make nor touches a file it did not write.
 */
export interface RuntimeFiles {
  readonly directory: string;
  /** Removes the files written and the folders made, nothing else. */
  remove(): void;
}

export const RUNTIME_FILE_NAMES = ["token", "roles-url", "default-role"] as const;
/** lambda/logStreamReport.ts's LOG_STREAM_FILE (not imported: that module is not loaded before `register`). */
const LOG_STREAM_REPORT = "log-stream-name";
/** Ours too: `log-stream-name`, which the layer's wrapper (this user) writes for session names. */
const OUR_LEFTOVER = /^(token|roles-url|default-role|log-stream-name)(\.\d+\.tmp)?$/;

/** Writes one new file: the tests inject a failing one (a full disk between two files). */
export type FileWriter = (path: string, text: string) => void;

export function writeRuntimeFiles(
  directory: string,
  contents: { token: string; rolesUrl: string; defaultRole: string | undefined },
  writeNew: FileWriter = writeNewPrivateFile,
): RuntimeFiles {
  const madeFolders = makeFolder(directory);
  const written: string[] = [];
  const remove = () => {
    for (const path of written) rmSync(path, { force: true });
    // The wrapper's report (this user's, in the sidecar's own folder): every way out takes it too.
    rmSync(join(directory, LOG_STREAM_REPORT), { force: true });
    for (const folder of madeFolders) {
      try {
        rmdirSync(folder);
      } catch {
        // Something else was put there since: it is not ours to delete.
      }
    }
  };
  try {
    if (madeFolders.length === 0) removeOurLeftovers(directory);
    const texts: Record<(typeof RUNTIME_FILE_NAMES)[number], string | undefined> = {
      token: contents.token,
      "roles-url": contents.rolesUrl,
      "default-role": contents.defaultRole,
    };
    for (const name of RUNTIME_FILE_NAMES) {
      const text = texts[name];
      if (text === undefined) continue;
      const path = join(directory, name);
      const temporary = `${path}.${process.pid}.tmp`;
      written.push(temporary);
      try {
        writeNew(temporary, text);
      } catch (error) {
        // Already there (O_EXCL): another's file, not ours to remove.
        if ((error as NodeJS.ErrnoException).code === "EEXIST") written.pop();
        throw error;
      }
      renameSync(temporary, path);
      written.push(path);
    }
  } catch (error) {
    remove(); // nothing half-written stays behind for the wrapper to find
    throw error;
  }
  return { directory, remove };
}

/** Makes `directory` (0700) and any missing parent; returns what it made, deepest first. */
function makeFolder(directory: string): string[] {
  try {
    mkdirSync(directory, { mode: 0o700 });
    chmodSync(directory, 0o700); // ours: the umask may have taken bits away, never given more
    return [directory];
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") {
      checkDedicated(directory);
      return [];
    }
    if (code !== "ENOENT" || dirname(directory) === directory) throw explain(directory, error);
  }
  // A parent is missing: make the parents one by one, so a read-only or full disk says so
  // (Node's recursive mkdir reports ENOENT for both).
  const parents = makeParents(dirname(directory));
  try {
    return [...makeFolder(directory), ...parents];
  } catch (error) {
    for (const parent of parents) rmdirSync(parent);
    throw error;
  }
}

function makeParents(folder: string): string[] {
  try {
    mkdirSync(folder, { mode: 0o755 });
    return [folder];
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return [];
    if (code !== "ENOENT" || dirname(folder) === folder) throw explain(folder, error);
  }
  const above = makeParents(dirname(folder));
  mkdirSync(folder, { mode: 0o755 });
  return [folder, ...above];
}

function checkDedicated(directory: string): void {
  const stat = lstatSync(directory);
  const use = `set ${ENV.runtimeDir} to a folder for the sidecar alone (a new path is best)`;
  if (stat.isSymbolicLink()) throw new Error(`${directory} is a symbolic link; ${use}`);
  if (!stat.isDirectory()) throw new Error(`${directory} exists and is not a folder; ${use}`);
  if (!isOurs(stat)) throw new Error(`${directory} belongs to user ${stat.uid}, not to this one; ${use}`);
  if ((stat.mode & 0o022) !== 0) {
    const mode = (stat.mode & 0o7777).toString(8).padStart(4, "0");
    throw new Error(`${directory} is writable by other users (mode ${mode}); ${use}`);
  }
  const foreign = readdirSync(directory).filter((name) => {
    if (!OUR_LEFTOVER.test(name)) return true;
    const entry = lstatSync(join(directory, name));
    return !entry.isFile() || !isOurs(entry);
  });
  if (foreign.length > 0) {
    const shown = foreign.slice(0, 3).map((name) => JSON.stringify(name));
    const more = foreign.length > 3 ? ` and ${foreign.length - 3} more` : "";
    throw new Error(
      `${directory} holds entries the sidecar did not make (${shown.join(", ")}${more}); ${use}`,
    );
  }
}

/** A previous run's files (checked as ours by checkDedicated), so no stale default-role stays. */
function removeOurLeftovers(directory: string): void {
  for (const name of readdirSync(directory)) {
    if (OUR_LEFTOVER.test(name)) rmSync(join(directory, name), { force: true });
  }
}

function isOurs(stat: Stats): boolean {
  return typeof process.getuid !== "function" || stat.uid === process.getuid();
}

function explain(path: string, error: unknown): Error {
  const { code, message } = error as NodeJS.ErrnoException;
  const why =
    code === "EROFS"
      ? "the file system is read-only"
      : code === "EACCES" || code === "EPERM"
        ? "permission denied"
        : code === "ENOSPC"
          ? "the disk is full"
          : code === "ENOTDIR"
            ? "a part of the path is not a folder"
            : message;
  return new Error(
    `cannot create ${path}: ${why} (${code ?? "error"}); set ${ENV.runtimeDir} to a writable path`,
  );
}

/**
 * Creates a file that did not exist (O_EXCL: never another's file, never through a symbolic link),
 * 0600, and writes the text without a trailing newline: botocore, Go, Rust and .NET reject a token
 * containing one. A failed write leaves the new file for the caller to remove.
 */
export function writeNewPrivateFile(path: string, text: string): void {
  const fd = openSync(
    path,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    0o600,
  );
  try {
    const bytes = Buffer.from(text, "utf8");
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset);
  } finally {
    closeSync(fd);
  }
}
