import { Token } from "aws-cdk-lib";
import type { ConfigProblem } from "../../extension/src/config/types.js";
import { validateConfig } from "../../extension/src/config/validate.js";
import type { RoleConfigObject, SidecarConfigObject } from "./sidecarConfigObject.js";

/** How the config reaches the function: a layer holding the file, or the single-role variables. */
export type ConfigDelivery = "layer" | "environment";

/**
 * The role keys the extension also reads from CREDENTIALS_SIDECAR_* variables, each with a valid
 * stand-in for validating a CDK token (a value CloudFormation resolves at deploy time).
 */
export const ENVIRONMENT_ROLE_KEYS = {
  RoleArn: "arn:aws:iam::123456789012:role/cdk-token",
  RoleSessionName: "cdk-token",
  ExternalId: "cdk-token",
  SourceIdentity: "cdk-token",
  generateSourceIdentity: true,
  DurationSeconds: 3600,
  region: "us-east-1",
} as const satisfies Partial<Record<keyof RoleConfigObject, string | number | boolean>>;

/**
 * Everything wrong with a config object for the given delivery: the extension's own validation (so
 * `cdk synth` fails with the messages the extension would log), plus what the delivery cannot carry.
 */
export function sidecarConfigProblems(
  config: SidecarConfigObject,
  delivery: ConfigDelivery,
): ConfigProblem[] {
  const tokens = tokenPaths(config, "");
  if (delivery === "layer") {
    const problems = tokens.map((path) => ({
      path,
      message:
        'is a CDK token, resolved only at deploy time, but the config layer is written at synth time: write the value out, or use configDelivery "environment" (one role)',
    }));
    return [...problems, ...validationProblems(withTokensReplaced(config))];
  }
  const problems: ConfigProblem[] = [];
  const roles = Object.entries(isObject(config) && isObject(config.roles) ? config.roles : {});
  if (roles.length !== 1) {
    problems.push({
      path: "roles",
      message: `has ${roles.length} roles; configDelivery "environment" carries exactly one (use "layer")`,
    });
  }
  for (const [name, role] of roles) {
    for (const key of Object.keys(isObject(role) ? role : {})) {
      if (!Object.hasOwn(ENVIRONMENT_ROLE_KEYS, key)) {
        problems.push({
          path: `roles.${name}.${key}`,
          message: 'has no CREDENTIALS_SIDECAR_* variable; use configDelivery "layer"',
        });
      }
    }
  }
  for (const path of tokens) {
    const key = path.split(".")[2];
    if (path.split(".").length !== 3 || key === undefined || !Object.hasOwn(ENVIRONMENT_ROLE_KEYS, key)) {
      problems.push({ path, message: "is a CDK token where only a literal value can be checked" });
    }
  }
  return [...problems, ...validationProblems(withTokensReplaced(config))];
}

function validationProblems(input: unknown): readonly ConfigProblem[] {
  const result = validateConfig(input);
  return result.ok ? [] : result.problems;
}

/** Paths (`roles.reader.RoleArn`) of every value that is an unresolved CDK token. */
function tokenPaths(value: unknown, path: string): string[] {
  if (typeof value === "string" || typeof value === "number") return Token.isUnresolved(value) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((item, index) => tokenPaths(item, `${path}[${index}]`));
  if (isObject(value)) {
    return Object.entries(value).flatMap(([key, item]) =>
      tokenPaths(item, path === "" ? key : `${path}.${key}`),
    );
  }
  return [];
}

/** The config with each token in a role's variable-backed key replaced by a valid stand-in. */
function withTokensReplaced(config: SidecarConfigObject): unknown {
  if (!isObject(config) || !isObject(config.roles)) return config;
  const roles = Object.fromEntries(
    Object.entries(config.roles).map(([name, role]) => {
      if (!isObject(role)) return [name, role];
      const replaced = Object.entries(role).map(([key, value]) => {
        const standIn = (ENVIRONMENT_ROLE_KEYS as Record<string, string | number | boolean>)[key];
        const isToken = (typeof value === "string" || typeof value === "number") && Token.isUnresolved(value);
        return [key, isToken && standIn !== undefined ? standIn : value];
      });
      return [name, Object.fromEntries(replaced)];
    }),
  );
  return { ...config, roles };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
