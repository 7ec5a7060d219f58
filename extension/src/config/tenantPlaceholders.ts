import { joinPath } from "./configPath.js";
import { quote } from "./quoteValue.js";
import type { ConfigProblem, SidecarConfig } from "./types.js";

/**
 * `${tenantId}`: the environment's tenant id (Lambda tenant isolation mode), in the fields whose
 * value may carry it: RoleSessionName, SourceIdentity and tag values. A role that uses it, or chains
 * from one that does, is tenant-scoped: served only once the id is known (tenant/ does that).
 */
// biome-ignore lint/suspicious/noTemplateCurlyInString: the config's placeholder, written as users write it
export const TENANT_PLACEHOLDER = "${tenantId}";

/** Where the placeholder is replaced; everywhere else AWS would get it literally and refuse it. */
export const TENANT_FIELDS = ["RoleSessionName", "SourceIdentity", "Tags values"] as const;

/** Anything shaped like a placeholder, to name a misspelt one (`${tenantID}`, `${ tenantId }`). */
const PLACEHOLDER_LIKE = /\$\{[^}]{0,40}\}?/g;

type RawRole = Record<string, unknown>;

/** The roles that use the tenant id, directly or through the role they chain from. */
export function tenantScopedRoles(config: SidecarConfig): ReadonlySet<string> {
  const usesTenant = (name: string, seen: ReadonlySet<string>): boolean => {
    const role = config.roles.get(name);
    if (role === undefined || seen.has(name)) return false;
    const { RoleSessionName, SourceIdentity, Tags } = role.parameters;
    const values = [RoleSessionName, SourceIdentity, ...(Tags ?? []).map((tag) => tag.Value)];
    if (values.some((value) => value?.includes(TENANT_PLACEHOLDER))) return true;
    return role.source !== undefined && usesTenant(role.source, new Set([...seen, name]));
  };
  return new Set([...config.roles.keys()].filter((name) => usesTenant(name, new Set())));
}

/**
 * Placeholders where AWS would refuse the result: in any other field (ExternalId, a tag key, a
 * policy...) and misspelt ones. Paths match the schema's, so these replace its pattern messages.
 */
export function placeholderProblems(name: string, role: RawRole): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const at = (key: string) => `roles.${name}.${key}`;
  for (const [key, value] of Object.entries(role)) {
    if (key === "Tags") problems.push(...tagPlaceholderProblems(at("Tags"), value));
    else if (key === "RoleSessionName" || key === "SourceIdentity") {
      problems.push(...misspelt(at(key), value));
    } else if (key === "Policy") {
      // IAM's own policy variables (${aws:PrincipalTag/tenant}) belong in a policy; ours does not.
      if (JSON.stringify(value ?? "").includes(TENANT_PLACEHOLDER))
        problems.push({
          path: at(key),
          message: `cannot use ${TENANT_PLACEHOLDER}: a session policy is sent as written; tag the session with it (Tags) and use the policy variable \${aws:PrincipalTag/<key>} instead`,
        });
    } else if (JSON.stringify(value ?? "").includes(TENANT_PLACEHOLDER)) {
      problems.push({ path: at(key), message: notHere() });
    }
  }
  return problems;
}

function tagPlaceholderProblems(path: string, tags: unknown): ConfigProblem[] {
  const pairs: [string, unknown, string][] = Array.isArray(tags)
    ? tags.map((tag, index) => {
        const entry = (tag ?? {}) as Record<string, unknown>;
        return [String(entry.Key), entry.Value, `${path}[${index}]`];
      })
    : tags !== null && typeof tags === "object"
      ? Object.entries(tags).map(([key, value]) => [key, value, joinPath(path, key)])
      : [];
  const problems: ConfigProblem[] = [];
  for (const [key, value, where] of pairs) {
    if (key.includes("${")) {
      problems.push({
        path: Array.isArray(tags) ? `${where}.Key` : where,
        message: `has the tag key ${quote(key)}: ${TENANT_PLACEHOLDER} may stand in tag values only, keys are fixed`,
      });
    }
    problems.push(...misspelt(Array.isArray(tags) ? `${where}.Value` : where, value));
  }
  return problems;
}

function misspelt(path: string, value: unknown): ConfigProblem[] {
  if (typeof value !== "string") return [];
  const wrong = [...value.matchAll(PLACEHOLDER_LIKE)].map((m) => m[0]).find((p) => p !== TENANT_PLACEHOLDER);
  if (wrong === undefined) return [];
  return [
    {
      path,
      message: `has the placeholder ${quote(wrong)}; the only one is ${TENANT_PLACEHOLDER} (case-sensitive, no spaces)`,
    },
  ];
}

function notHere(): string {
  return `cannot use ${TENANT_PLACEHOLDER}: it is replaced only in ${TENANT_FIELDS.join(", ")}, and AWS would refuse it here as written`;
}
