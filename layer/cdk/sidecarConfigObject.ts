/**
 * The sidecar config as a CDK app writes it: the same keys and shapes as credentials-sidecar.yaml
 * (config.schema.json is the source; a test checks these keys against it).
 */

export type PolicyArnObject = string | { readonly arn: string };
export type TagsObject =
  | Readonly<Record<string, string>>
  | readonly { readonly Key: string; readonly Value: string }[];

export interface RoleConfigObject {
  /** ARN of the role to assume. */
  readonly RoleArn: string;
  readonly RoleSessionName?: string;
  /** ExternalId the role's trust policy requires. */
  readonly ExternalId?: string;
  /** Carried through role chains and into CloudTrail; the role's trust policy must allow sts:SetSourceIdentity. */
  readonly SourceIdentity?: string;
  /**
   * Send the generated session name (function, version, execution environment) as SourceIdentity;
   * not with SourceIdentity. The role's trust policy must allow sts:SetSourceIdentity.
   */
  readonly generateSourceIdentity?: boolean;
  /** 900-43200; at most 3600 for a chained role. Default 3600. */
  readonly DurationSeconds?: number;
  /** Session policy: a policy document object or its JSON. */
  readonly Policy?: Readonly<Record<string, unknown>> | string;
  readonly PolicyArns?: readonly PolicyArnObject[];
  /** Session tags; the role's trust policy must allow sts:TagSession. */
  readonly Tags?: TagsObject;
  readonly TransitiveTagKeys?: readonly string[];
  /** Another role of this config whose credentials assume this one (role chaining). */
  readonly source?: string;
  /** Region of the STS endpoint for this role. Default: the function's AWS_REGION. */
  readonly region?: string;
  readonly refreshBeforeExpirySeconds?: number;
}

export interface SidecarConfigObject {
  /** The role SDKs get by default through the exec wrapper; optional with one role. */
  readonly default?: string;
  /** Role name (served at /roles/<name>) to its AssumeRole parameters. */
  readonly roles: Readonly<Record<string, RoleConfigObject>>;
}

/** Every key of RoleConfigObject, checked against config.schema.json by a test. */
export const ROLE_CONFIG_KEYS = {
  RoleArn: true,
  RoleSessionName: true,
  ExternalId: true,
  SourceIdentity: true,
  generateSourceIdentity: true,
  DurationSeconds: true,
  Policy: true,
  PolicyArns: true,
  Tags: true,
  TransitiveTagKeys: true,
  source: true,
  region: true,
  refreshBeforeExpirySeconds: true,
} as const satisfies Record<keyof RoleConfigObject, true>;

/** Every key of SidecarConfigObject (the schema's `$schema` is for editors, not for a CDK app). */
export const SIDECAR_CONFIG_KEYS = { default: true, roles: true } as const satisfies Record<
  keyof SidecarConfigObject,
  true
>;
