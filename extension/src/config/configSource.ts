import { statSync } from "node:fs";
import { readBounded } from "../platform/readBounded.js";
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
  | { readonly kind: "file"; readonly path: string; readonly read: FileRead }
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

export function readConfigFile(path: string): FileRead {
  try {
    const stat = statSync(path);
    // /dev/zero or a FIFO would never end: only regular files, and never more than the limit.
    if (!stat.isFile()) return { ok: false, problems: [{ path: "", message: "is not a regular file" }] };
    if (stat.size > MAX_CONFIG_BYTES) {
      return { ok: false, problems: [{ path: "", message: `is larger than ${MAX_CONFIG_BYTES} bytes` }] };
    }
    return { ok: true, bytes: readBounded(path, MAX_CONFIG_BYTES + 1) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT"
        ? "does not exist"
        : code === "EACCES"
          ? "is not readable (permission denied)"
          : `cannot be read (${code ?? (error as Error).message})`;
    return { ok: false, problems: [{ path: "", message: reason }] };
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
