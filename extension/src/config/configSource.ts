import { statSync } from "node:fs";
import { NotReadable, readRegularFile } from "../platform/readRegularFile.js";
import { DEFAULT_CONFIG_PATHS, ENV, readEnv } from "../startup/env.js";
import { configFromEnvironment } from "./fromEnvironment.js";
import { MAX_CONFIG_BYTES } from "./limits.js";
import type { ConfigProblem } from "./types.js";

/**
 * Where the config comes from, found and read with node:fs alone (before `register`, without the
 * YAML parser or the validator): $CREDENTIALS_SIDECAR_CONFIG, else the first default path that
 * exists, else the CREDENTIALS_SIDECAR_ROLE_ARN variables. A file is read once, here: the bytes the
 * default role is pre-scanned from are the bytes later parsed.
 */
export type ConfigSource =
  | {
      readonly kind: "file";
      readonly path: string;
      readonly read: FileRead;
      /** The bytes as the simple reader (simpleYaml.ts) read them, where start-up did already. */
      readonly readAsSimpleYaml?: Record<string, unknown>;
    }
  | { readonly kind: "environment" }
  | { readonly kind: "none" };

export type FileRead =
  | { readonly ok: true; readonly bytes: Buffer }
  | { readonly ok: false; readonly problems: readonly ConfigProblem[] };

export function findConfigSource(
  env: NodeJS.ProcessEnv,
  defaultPaths: readonly string[] = DEFAULT_CONFIG_PATHS,
): ConfigSource {
  const path = readEnv(env, ENV.config) ?? defaultPaths.find(isFile);
  if (path !== undefined) return { kind: "file", path, read: readConfigFile(path) };
  return configFromEnvironment(env) === undefined ? { kind: "none" } : { kind: "environment" };
}

/**
 * A symbolic link is followed: deployment packages and images may ship the config as a link (to a
 * per-stage file, say), and the path is the deployer's, in a read-only package. What it leads to
 * must still be a regular file within the limit, as checked on the opened file (readRegularFile):
 * a FIFO, a device or a folder there is refused without blocking or reading on.
 */
export function readConfigFile(path: string): FileRead {
  const problem = (message: string): FileRead => ({ ok: false, problems: [{ path: "", message }] });
  try {
    return { ok: true, bytes: readRegularFile(path, MAX_CONFIG_BYTES, { followLinks: true }) };
  } catch (error) {
    if (error instanceof NotReadable) return problem(error.reason);
    const code = (error as NodeJS.ErrnoException).code;
    return problem(
      code === "ENOENT"
        ? "does not exist"
        : code === "EACCES"
          ? "is not readable (permission denied)"
          : `cannot be read (${code ?? (error as Error).message})`,
    );
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
