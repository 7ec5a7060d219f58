import { jsonKeyProblem } from "./jsonKeys.js";
import { gotValue, quote } from "./quoteValue.js";
import { allowedKeysAt } from "./schemaKeys.js";
import { schemaProblems } from "./schemaProblems.js";
import { placeholderProblems } from "./tenantPlaceholders.js";
import type { AssumeRoleParameters, ConfigProblem, RoleConfig, SidecarConfig, Tag } from "./types.js";
import {
  DEFAULT_DURATION_SECONDS,
  DEFAULT_REFRESH_BEFORE_EXPIRY_SECONDS,
  MAX_CHAINED_DURATION_SECONDS,
  MAX_PACKED_POLICY_CHARACTERS,
} from "./types.js";

export type ValidationResult =
  | { readonly ok: true; readonly config: SidecarConfig }
  | { readonly ok: false; readonly problems: readonly ConfigProblem[] };

type RawRole = Record<string, unknown>;

/** A policy document nests 4-5 levels (Statement, item, Condition, operator, values). */
const MAX_POLICY_NESTING = 32;

/** Checks a parsed config against the schema and the rules a schema cannot express; never throws. */
export function validateConfig(input: unknown): ValidationResult {
  const problems = withPlaceholderProblems(input, schemaProblems(input, allowedKeysAt));
  if (!isObject(input) || !isObject(input.roles)) {
    return problems.length > 0
      ? { ok: false, problems }
      : { ok: false, problems: [{ path: "roles", message: "is required" }] };
  }
  const rawRoles = input.roles as Record<string, unknown>;
  problems.push(...defaultRoleProblems(input.default, rawRoles));
  for (const [name, role] of Object.entries(rawRoles)) {
    if (isObject(role)) problems.push(...roleProblems(name, role, rawRoles));
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, config: normalise(input.default, rawRoles as Record<string, RawRole>) };
}

/** A misplaced ${tenantId} is named as such, in place of the schema's pattern message at that path. */
function withPlaceholderProblems(input: unknown, schema: readonly ConfigProblem[]): ConfigProblem[] {
  if (!isObject(input) || !isObject(input.roles)) return [...schema];
  const placeholders = Object.entries(input.roles).flatMap(([name, role]) =>
    isObject(role) ? placeholderProblems(name, role) : [],
  );
  const replaced = new Set(placeholders.map((problem) => problem.path));
  return [...schema.filter((problem) => !replaced.has(problem.path)), ...placeholders];
}

function defaultRoleProblems(defaultRole: unknown, roles: Record<string, unknown>): ConfigProblem[] {
  if (typeof defaultRole !== "string" || Object.hasOwn(roles, defaultRole)) return [];
  return [
    { path: "default", message: `names no role in roles: ${quote(defaultRole)} (have: ${roleList(roles)})` },
  ];
}

function roleProblems(name: string, role: RawRole, roles: Record<string, unknown>): ConfigProblem[] {
  const at = (key: string) => `roles.${name}.${key}`;
  const problems: ConfigProblem[] = [];
  const chain = sourceChain(name, roles);
  if (typeof role.source === "string") {
    if (!Object.hasOwn(roles, role.source)) {
      problems.push({
        path: at("source"),
        message: `names no role in roles: ${quote(role.source)} (have: ${roleList(roles)})`,
      });
    } else if (chain.cycle) {
      problems.push({ path: at("source"), message: `forms a cycle: ${chain.names.join(" -> ")}` });
    }
    if (typeof role.DurationSeconds === "number" && role.DurationSeconds > MAX_CHAINED_DURATION_SECONDS) {
      problems.push({
        path: at("DurationSeconds"),
        message: `must be at most ${MAX_CHAINED_DURATION_SECONDS} for a chained role (source: ${role.source}); STS limits role chaining to one hour (got ${role.DurationSeconds})`,
      });
    }
    problems.push(
      ...chainedSourceIdentityProblems(name, role, inheritedSourceIdentity(chain.names.slice(1), roles)),
    );
  }
  if (typeof role.SourceIdentity === "string" && role.generateSourceIdentity === true) {
    problems.push({
      path: at("generateSourceIdentity"),
      message: `cannot be true with SourceIdentity ${quote(role.SourceIdentity)} set: choose one`,
    });
  }
  problems.push(...policyProblems(at("Policy"), role.Policy));
  problems.push(...tagProblems(name, role));
  return problems;
}

/** A source identity is set once, at the start of a chain, and carried along it by STS. */
function chainedSourceIdentityProblems(
  name: string,
  role: RawRole,
  inherited: InheritedSourceIdentity | undefined,
): ConfigProblem[] {
  if (inherited === undefined) return [];
  const at = (key: string) => `roles.${name}.${key}`;
  if (role.generateSourceIdentity === true) {
    return [
      {
        path: at("generateSourceIdentity"),
        message: `cannot be true on a chained role: it inherits the source identity of roles.${inherited.role}, and a source identity cannot change along a role chain`,
      },
    ];
  }
  if (typeof role.SourceIdentity !== "string" || inherited.identity === role.SourceIdentity) return [];
  const message =
    inherited.identity === undefined
      ? `cannot be set on a chained role whose source roles.${inherited.role} generates one: a source identity cannot change along a role chain, and the chained role inherits it`
      : `must equal ${quote(inherited.identity)} (set on roles.${inherited.role}); a source identity cannot change along a role chain${gotValue("SourceIdentity", role.SourceIdentity)}`;
  return [{ path: at("SourceIdentity"), message }];
}

/** The role and the roles it chains from, in order; stops at a cycle or a missing role. */
function sourceChain(name: string, roles: Record<string, unknown>): { names: string[]; cycle: boolean } {
  const names = [name];
  let current: unknown = roles[name];
  while (isObject(current) && typeof current.source === "string" && Object.hasOwn(roles, current.source)) {
    if (names.includes(current.source)) return { names: [...names, current.source], cycle: true };
    names.push(current.source);
    current = roles[current.source];
  }
  return { names, cycle: false };
}

/** Where a chain's source identity is set: a literal, or `identity` undefined when generated. */
interface InheritedSourceIdentity {
  readonly role: string;
  readonly identity: string | undefined;
}

function inheritedSourceIdentity(
  ancestors: string[],
  roles: Record<string, unknown>,
): InheritedSourceIdentity | undefined {
  for (const role of ancestors) {
    const raw = roles[role];
    if (isObject(raw) && typeof raw.SourceIdentity === "string")
      return { role, identity: raw.SourceIdentity };
    if (isObject(raw) && raw.generateSourceIdentity === true) return { role, identity: undefined };
  }
  return undefined;
}

/**
 * A JSON string policy gets the checks YAML gives the mapping form: not empty (the schema's
 * minProperties), no duplicate keys (uniqueKeys), bounded nesting (the parser's limit).
 */
function policyProblems(path: string, policy: unknown): ConfigProblem[] {
  let document: unknown = policy;
  if (typeof policy === "string") {
    try {
      document = JSON.parse(policy);
    } catch (error) {
      return [{ path, message: `is not valid JSON: ${oneLine((error as Error).message)}` }];
    }
    if (!isObject(document)) {
      return [{ path, message: `must be a JSON object (a policy document)${gotValue("Policy", document)}` }];
    }
    if (Object.keys(document).length === 0) return [{ path, message: "must not be empty (got {})" }];
    const keyProblem = jsonKeyProblem(policy, MAX_POLICY_NESTING);
    if (keyProblem?.kind === "duplicate") {
      const where = keyProblem.path === "" ? "" : ` in ${keyProblem.path.slice(1) || keyProblem.path}`;
      return [
        {
          path,
          message: `has the key ${quote(keyProblem.key)} twice${where}; JSON would keep only the last`,
        },
      ];
    }
    if (keyProblem?.kind === "too-deep") {
      return [{ path, message: `nests more than ${MAX_POLICY_NESTING} levels deep` }];
    }
  }
  if (!isObject(document)) return [];
  const packed = JSON.stringify(document).length;
  if (packed > MAX_PACKED_POLICY_CHARACTERS) {
    return [
      {
        path,
        message: `is ${packed} characters once minified; STS allows at most ${MAX_PACKED_POLICY_CHARACTERS}`,
      },
    ];
  }
  return [];
}

function tagProblems(name: string, role: RawRole): ConfigProblem[] {
  const tags = normaliseTags(role.Tags);
  if (tags === undefined) {
    return Array.isArray(role.TransitiveTagKeys) && role.TransitiveTagKeys.length > 0
      ? [{ path: `roles.${name}.TransitiveTagKeys`, message: "needs Tags to name" }]
      : [];
  }
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();
  for (const tag of tags) {
    // STS treats tag keys case-insensitively, so Team and team collide.
    const folded = tag.Key.toLowerCase();
    if (seen.has(folded))
      problems.push({
        path: `roles.${name}.Tags`,
        message: `has the key ${quote(tag.Key)} twice (keys are case-insensitive)`,
      });
    seen.add(folded);
  }
  const keys = Array.isArray(role.TransitiveTagKeys) ? role.TransitiveTagKeys : [];
  keys.forEach((key, index) => {
    if (typeof key === "string" && !seen.has(key.toLowerCase())) {
      problems.push({
        path: `roles.${name}.TransitiveTagKeys[${index}]`,
        message: `names ${quote(key)}, which is not in Tags`,
      });
    }
  });
  return problems;
}

function normaliseTags(tags: unknown): Tag[] | undefined {
  if (Array.isArray(tags))
    return tags.filter(isObject).map((t) => ({ Key: String(t.Key), Value: String(t.Value) }));
  if (isObject(tags)) return Object.entries(tags).map(([Key, Value]) => ({ Key, Value: String(Value) }));
  return undefined;
}

function normalise(defaultRole: unknown, raw: Record<string, RawRole>): SidecarConfig {
  const roles = new Map<string, RoleConfig>();
  for (const [name, role] of Object.entries(raw)) {
    const parameters: AssumeRoleParameters = {
      RoleArn: role.RoleArn as string,
      DurationSeconds: (role.DurationSeconds as number | undefined) ?? DEFAULT_DURATION_SECONDS,
    };
    for (const key of ["RoleSessionName", "ExternalId", "SourceIdentity"] as const) {
      if (typeof role[key] === "string") parameters[key] = role[key];
    }
    if (role.Policy !== undefined) {
      parameters.Policy = JSON.stringify(
        typeof role.Policy === "string" ? JSON.parse(role.Policy) : role.Policy,
      );
    }
    if (Array.isArray(role.PolicyArns)) {
      parameters.PolicyArns = role.PolicyArns.map((p) => ({
        arn: typeof p === "string" ? p : (p as { arn: string }).arn,
      }));
    }
    const tags = normaliseTags(role.Tags);
    if (tags !== undefined) parameters.Tags = tags;
    if (Array.isArray(role.TransitiveTagKeys))
      parameters.TransitiveTagKeys = role.TransitiveTagKeys as string[];
    roles.set(name, {
      name,
      parameters,
      ...(typeof role.source === "string" ? { source: role.source } : {}),
      ...(typeof role.region === "string" ? { region: role.region } : {}),
      ...(role.generateSourceIdentity === true ? { generateSourceIdentity: true } : {}),
      refreshBeforeExpirySeconds:
        (role.refreshBeforeExpirySeconds as number | undefined) ?? DEFAULT_REFRESH_BEFORE_EXPIRY_SECONDS,
    });
  }
  const single = roles.size === 1 ? [...roles.keys()][0] : undefined;
  const chosen = typeof defaultRole === "string" ? defaultRole : single;
  return chosen === undefined ? { roles } : { roles, defaultRole: chosen };
}

/** The configured role names, cut after 10: a user needs the spelling, not a list of 100. */
function roleList(roles: Record<string, unknown>): string {
  const names = Object.keys(roles);
  const shown = names.slice(0, 10).join(", ");
  return names.length > 10 ? `${shown} and ${names.length - 10} more` : shown;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").slice(0, 200);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
