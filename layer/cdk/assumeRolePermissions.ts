import type { RoleConfigObject, SidecarConfigObject } from "./sidecarConfigObject.js";

/** What one AssumeRole call of the sidecar needs: from the caller's identity policy and the role's trust policy. */
export interface AssumeRolePermission {
  /** The role's name in the config. */
  readonly role: string;
  readonly roleArn: string;
  /** The config role whose credentials make the call (role chaining); undefined: the execution role. */
  readonly assumedBy: string | undefined;
  /** sts:AssumeRole, plus sts:TagSession and sts:SetSourceIdentity when the call carries tags or a source identity. */
  readonly actions: readonly string[];
  readonly externalId: string | undefined;
}

/**
 * One permission per role of a validated config. A chained role's session carries the source identity
 * and the transitive tags of the sessions before it, so those count as its own: STS checks
 * sts:SetSourceIdentity and sts:TagSession on every role along a chain.
 */
export function assumeRolePermissions(config: SidecarConfigObject): AssumeRolePermission[] {
  return Object.entries(config.roles).map(([name, role]) => {
    const chain = ancestors(name, config);
    const tags = hasTags(role) || chain.some((ancestor) => (ancestor.TransitiveTagKeys?.length ?? 0) > 0);
    const sourceIdentity = [role, ...chain].some(
      (r) => r.SourceIdentity !== undefined || r.generateSourceIdentity === true,
    );
    return {
      role: name,
      roleArn: role.RoleArn,
      assumedBy: role.source,
      actions: [
        "sts:AssumeRole",
        ...(tags ? ["sts:TagSession"] : []),
        ...(sourceIdentity ? ["sts:SetSourceIdentity"] : []),
      ],
      externalId: role.ExternalId,
    };
  });
}

/** The roles a role is chained from, nearest first (the config is validated: no cycles). */
function ancestors(name: string, config: SidecarConfigObject): RoleConfigObject[] {
  const found: RoleConfigObject[] = [];
  let source = config.roles[name]?.source;
  while (source !== undefined && found.length < Object.keys(config.roles).length) {
    const role = config.roles[source];
    if (role === undefined) break;
    found.push(role);
    source = role.source;
  }
  return found;
}

function hasTags(role: RoleConfigObject): boolean {
  if (role.Tags === undefined) return false;
  return Array.isArray(role.Tags) ? role.Tags.length > 0 : Object.keys(role.Tags).length > 0;
}
