/** The validated config: what the rest of the sidecar works from. */

export interface Tag {
  Key: string;
  Value: string;
}

/** AssumeRole parameters, normalised to the API's own shapes. */
export interface AssumeRoleParameters {
  RoleArn: string;
  RoleSessionName?: string;
  ExternalId?: string;
  SourceIdentity?: string;
  DurationSeconds?: number;
  /** Minified JSON. */
  Policy?: string;
  PolicyArns?: { arn: string }[];
  Tags?: Tag[];
  TransitiveTagKeys?: string[];
}

export interface RoleConfig {
  readonly name: string;
  readonly parameters: AssumeRoleParameters;
  /** Another role whose credentials assume this one. */
  readonly source?: string;
  readonly region?: string;
  readonly refreshBeforeExpirySeconds: number;
  /** Send the generated session name as SourceIdentity (the config's `generateSourceIdentity`). */
  readonly generateSourceIdentity?: boolean;
}

export interface SidecarConfig {
  readonly roles: ReadonlyMap<string, RoleConfig>;
  /** The role SDKs get by default through the wrapper; undefined keeps the execution role. */
  readonly defaultRole?: string;
}

/** One thing wrong with the config, with where it is (`roles.reader.DurationSeconds`). */
export interface ConfigProblem {
  readonly path: string;
  readonly message: string;
}

export const DEFAULT_DURATION_SECONDS = 3600;
export const MAX_CHAINED_DURATION_SECONDS = 3600;
export const DEFAULT_REFRESH_BEFORE_EXPIRY_SECONDS = 1200;
export const MAX_PACKED_POLICY_CHARACTERS = 2048;
