import { chmodSync, lstatSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * What the exec wrapper reads before the runtime starts: the token, the roles URL and the default
 * role. Lambda starts the runtime only after every extension registered, and these are written
 * before `register`, so the wrapper always finds them. Folder 0700, files 0600: the token is a
 * secret from anything outside this sandbox user.
 */
export interface RuntimeFiles {
  readonly directory: string;
  remove(): void;
}

export function writeRuntimeFiles(
  directory: string,
  contents: { token: string; rolesUrl: string; defaultRole: string | undefined },
): RuntimeFiles {
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const stat = lstatSync(directory);
  if (!stat.isDirectory()) throw new Error(`${directory} is not a directory`);
  if (typeof process.getuid === "function" && stat.uid !== process.getuid()) {
    throw new Error(`${directory} belongs to another user; refusing to put the token there`);
  }
  chmodSync(directory, 0o700);
  writePrivate(join(directory, "token"), contents.token);
  writePrivate(join(directory, "roles-url"), contents.rolesUrl);
  const defaultRolePath = join(directory, "default-role");
  if (contents.defaultRole === undefined) rmSync(defaultRolePath, { force: true });
  else writePrivate(defaultRolePath, contents.defaultRole);
  return {
    directory,
    remove: () => {
      for (const name of ["token", "roles-url", "default-role"])
        rmSync(join(directory, name), { force: true });
    },
  };
}

/** No trailing newline: botocore, Go, Rust and .NET reject a token containing one. */
function writePrivate(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}
