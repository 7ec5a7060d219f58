import { DEFAULT_CONFIG_PATHS, ENV } from "../startup/env.js";
import { type ConfigSource, type FileRead, findConfigSource, readConfigFile } from "./configSource.js";
import { configFromEnvironment, environmentPath } from "./fromEnvironment.js";
import { readSimpleYaml } from "./simpleYaml.js";
import type { ConfigProblem, SidecarConfig } from "./types.js";
import { validateConfig } from "./validate.js";

export type LoadResult =
  | { readonly ok: true; readonly config: SidecarConfig; readonly source: string; readonly notes: string[] }
  | { readonly ok: false; readonly source: string; readonly problems: readonly ConfigProblem[] };

/**
 * Finds and validates the config: $CREDENTIALS_SIDECAR_CONFIG, else the first default path that
 * exists, else the CREDENTIALS_SIDECAR_ROLE_ARN variables (configSource.ts).
 */
export async function loadConfig(
  env: NodeJS.ProcessEnv,
  defaultPaths: readonly string[] = DEFAULT_CONFIG_PATHS,
): Promise<LoadResult> {
  return loadConfigFrom(findConfigSource(env, defaultPaths), env, defaultPaths);
}

/** Validates the config from a source already found (and a file already read, before `register`). */
export async function loadConfigFrom(
  source: ConfigSource,
  env: NodeJS.ProcessEnv,
  defaultPaths: readonly string[] = DEFAULT_CONFIG_PATHS,
): Promise<LoadResult> {
  const fromEnv = configFromEnvironment(env);
  if (source.kind === "file") {
    const result = await parseConfigFile(source.path, source.read, source.readAsSimpleYaml);
    if (result.ok && fromEnv !== undefined) {
      return {
        ...result,
        notes: [`${ENV.roleArn} is ignored because the config file ${source.path} is used`],
      };
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
  const sourceName = "environment variables";
  if (fromEnv.problems.length > 0 || !result.ok) {
    const problems = [...fromEnv.problems, ...(result.ok ? [] : result.problems)]
      .map((p) => ({ path: environmentPath(p.path), message: p.message }))
      // A non-numeric duration also fails the schema's type check; the first message says it better.
      .filter((p, i, all) => all.findIndex((q) => q.path === p.path) === i);
    return { ok: false, source: sourceName, problems };
  }
  return { ok: true, config: result.config, source: sourceName, notes: [] };
}

/**
 * The YAML library (its own bundle and code cache: a few milliseconds to load and first run) is
 * loaded only for a file the simple reader (simpleYaml.ts) leaves to it.
 */
export function loadConfigFile(path: string): Promise<LoadResult> {
  return parseConfigFile(path, readConfigFile(path));
}

async function parseConfigFile(
  path: string,
  read: FileRead,
  readBefore?: Record<string, unknown>,
): Promise<LoadResult> {
  if (!read.ok) return { ok: false, source: path, problems: read.problems };
  const simple = readBefore ?? readSimpleYaml(read.bytes);
  const parsed =
    simple !== undefined
      ? { ok: true as const, value: simple }
      : (await import("./parseYaml.js")).parseConfigBytes(read.bytes);
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
