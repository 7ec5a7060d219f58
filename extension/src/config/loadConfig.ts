import { statSync } from "node:fs";
import { NotReadable, readRegularFile } from "../platform/readRegularFile.js";
import { DEFAULT_CONFIG_PATHS, ENV, readEnv } from "../startup/env.js";
import { configFromEnvironment, environmentPath } from "./fromEnvironment.js";
import { MAX_CONFIG_BYTES } from "./limits.js";
import type { ConfigProblem, SidecarConfig } from "./types.js";
import { validateConfig } from "./validate.js";

export type LoadResult =
  | { readonly ok: true; readonly config: SidecarConfig; readonly source: string; readonly notes: string[] }
  | { readonly ok: false; readonly source: string; readonly problems: readonly ConfigProblem[] };

/**
 * Finds and validates the config: $CREDENTIALS_SIDECAR_CONFIG, else the first default path that
 * exists, else the CREDENTIALS_SIDECAR_ROLE_ARN variables.
 */
export async function loadConfig(
  env: NodeJS.ProcessEnv,
  defaultPaths: readonly string[] = DEFAULT_CONFIG_PATHS,
): Promise<LoadResult> {
  const explicit = readEnv(env, ENV.config);
  const path = explicit ?? defaultPaths.find(isFile);
  const fromEnv = configFromEnvironment(env);
  if (path !== undefined) {
    const result = await loadConfigFile(path);
    if (result.ok && fromEnv !== undefined) {
      return { ...result, notes: [`${ENV.roleArn} is ignored because the config file ${path} is used`] };
    }
    return result;
  }
  if (fromEnv === undefined) {
    return {
      ok: false,
      source: "configuration",
      problems: [
        {
          path: "",
          message: `no config found: set ${ENV.roleArn}, or ship ${defaultPaths.join(" or ")}, or point ${ENV.config} at a file`,
        },
      ],
    };
  }
  const result = validateConfig(fromEnv.value);
  const source = "environment variables";
  if (fromEnv.problems.length > 0 || !result.ok) {
    const problems = [...fromEnv.problems, ...(result.ok ? [] : result.problems)]
      .map((p) => ({ path: environmentPath(p.path), message: p.message }))
      // A non-numeric duration also fails the schema's type check; the first message says it better.
      .filter((p, i, all) => all.findIndex((q) => q.path === p.path) === i);
    return { ok: false, source, problems };
  }
  return { ok: true, config: result.config, source, notes: [] };
}

/**
 * The YAML parser (about 5 ms to load before `register`) is loaded only when there is a file.
 *
 * A symbolic link is followed: deployment packages and images may ship the config as a link (to a
 * per-stage file, say), and the path is the deployer's, in a read-only package. What it leads to
 * must still be a regular file within the limit, as checked on the opened file (readRegularFile):
 * a FIFO, a device or a folder there is refused without blocking or reading on.
 */
export async function loadConfigFile(path: string): Promise<LoadResult> {
  let bytes: Buffer;
  try {
    bytes = readRegularFile(path, MAX_CONFIG_BYTES, { followLinks: true });
  } catch (error) {
    const problem = (message: string): LoadResult => ({
      ok: false,
      source: path,
      problems: [{ path: "", message }],
    });
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
  const { parseConfigBytes } = await import("./parseYaml.js");
  const parsed = parseConfigBytes(bytes);
  if (!parsed.ok) return { ok: false, source: path, problems: parsed.problems };
  const result = validateConfig(parsed.value);
  return result.ok
    ? { ok: true, config: result.config, source: path, notes: [] }
    : { ok: false, source: path, problems: result.problems };
}

/** One line per problem: `file: roles.reader.DurationSeconds: must be at most 43200`. */
export function formatProblems(source: string, problems: readonly ConfigProblem[]): string {
  const lines = problems.map((p) => `  ${p.path === "" ? "" : `${p.path}: `}${p.message}`);
  return `Invalid config (${source}), ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${lines.join("\n")}`;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
