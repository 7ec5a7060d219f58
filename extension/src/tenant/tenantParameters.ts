import { TENANT_PLACEHOLDER } from "../config/tenantPlaceholders.js";
import type { AssumeRoleParameters } from "../config/types.js";

/**
 * Puts the tenant id into a role's parameters, checked now that it is known. Nothing is escaped or
 * cut: two tenant ids made into one session name, source identity or tag value would let one tenant
 * match the other's policies, so an id that does not fit a field as it is refuses the role instead.
 * Limits from the STS AssumeRole reference: RoleSessionName and SourceIdentity 2-64 characters of
 * [\w+=,.@-]; a tag value at most 256 characters of letters, digits, spaces and _.:/=+@-.
 */
const NAME_CHARACTERS = /^[A-Za-z0-9_+=,.@-]+$/;
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+@-]+$/u;

export type Resolved =
  | { readonly ok: true; readonly parameters: AssumeRoleParameters }
  | { readonly ok: false; readonly message: string };

export function resolveTenant(parameters: AssumeRoleParameters, tenantId: string): Resolved {
  const resolved: AssumeRoleParameters = { ...parameters };
  for (const field of ["RoleSessionName", "SourceIdentity"] as const) {
    const template = parameters[field];
    if (template === undefined || !template.includes(TENANT_PLACEHOLDER)) continue;
    if (!NAME_CHARACTERS.test(tenantId))
      return refused(field, "has characters outside letters, digits and _+=,.@-");
    const value = template.replaceAll(TENANT_PLACEHOLDER, tenantId);
    if (value.length < 2 || value.length > 64)
      return refused(field, `makes it ${value.length} characters long; STS allows 2-64`);
    resolved[field] = value;
  }
  if (parameters.Tags?.some((tag) => tag.Value.includes(TENANT_PLACEHOLDER))) {
    const tags = [];
    for (const tag of parameters.Tags) {
      if (!tag.Value.includes(TENANT_PLACEHOLDER)) {
        tags.push(tag);
        continue;
      }
      const field = `the tag ${tag.Key}`;
      if (!TAG_CHARACTERS.test(tenantId))
        return refused(field, "has characters outside letters, digits, spaces and _.:/=+@-");
      const value = tag.Value.replaceAll(TENANT_PLACEHOLDER, tenantId);
      if ([...value].length > 256)
        return refused(field, `makes its value ${[...value].length} characters long; STS allows 256`);
      tags.push({ Key: tag.Key, Value: value });
    }
    resolved.Tags = tags;
  }
  return { ok: true, parameters: resolved };
}

function refused(field: string, why: string): Resolved {
  return { ok: false, message: `the tenant id cannot go into ${field} as it is: it ${why}` };
}
