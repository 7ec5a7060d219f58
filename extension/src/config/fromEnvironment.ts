import { ENV, readEnv, readSwitch } from "../startup/env.js";
import type { ConfigProblem } from "./types.js";

/** The variables of the file-less single-role config, mapped to the role key each one sets. */
const ROLE_VARIABLES = [
  [ENV.roleArn, "RoleArn"],
  [ENV.roleSessionName, "RoleSessionName"],
  [ENV.externalId, "ExternalId"],
  [ENV.sourceIdentity, "SourceIdentity"],
  [ENV.generateSourceIdentity, "generateSourceIdentity"],
  [ENV.durationSeconds, "DurationSeconds"],
  [ENV.roleRegion, "region"],
] as const;

export const ENVIRONMENT_ROLE_NAME = "default";

/** Builds `{roles: {default: …}}` from CREDENTIALS_SIDECAR_* variables, or undefined when no role ARN is set. */
export function configFromEnvironment(
  env: NodeJS.ProcessEnv,
): { value: unknown; problems: ConfigProblem[] } | undefined {
  if (readEnv(env, ENV.roleArn) === undefined) return undefined;
  const role: Record<string, unknown> = {};
  const problems: ConfigProblem[] = [];
  for (const [variable, key] of ROLE_VARIABLES) {
    if (key === "generateSourceIdentity") {
      // A switch: exactly true or false, like every switch (env.ts readSwitch).
      const value = readSwitch(env, variable, false);
      if (!value.ok) problems.push({ path: variable, message: value.message });
      else if (env[variable]) role[key] = value.value;
      continue;
    }
    const value = readEnv(env, variable)?.trim();
    if (value === undefined) continue;
    if (key === "DurationSeconds") {
      if (!/^\d+$/.test(value))
        problems.push({
          path: variable,
          message: `must be a whole number of seconds, got ${JSON.stringify(value)}`,
        });
      role[key] = Number(value);
    } else {
      role[key] = value;
    }
  }
  return { value: { roles: { [ENVIRONMENT_ROLE_NAME]: role } }, problems };
}

/** Reports `roles.default.DurationSeconds` as the variable the user actually set. */
export function environmentPath(path: string): string {
  const prefix = `roles.${ENVIRONMENT_ROLE_NAME}.`;
  if (!path.startsWith(prefix)) return path;
  const key = path.slice(prefix.length);
  return ROLE_VARIABLES.find(([, k]) => k === key)?.[0] ?? path;
}
