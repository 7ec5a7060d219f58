/** Credentials as STS issued them, plus what the container-credentials response needs. */
export interface RoleCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiresAtMs: number;
  readonly roleArn: string;
  readonly assumedRoleArn: string;
  readonly accountId?: string;
  readonly sessionName: string;
}

/** `arn:aws:sts::123456789012:assumed-role/...` → `123456789012`. */
export function accountIdFromArn(arn: string): string | undefined {
  const account = arn.split(":")[4];
  return account !== undefined && /^\d{12}$/.test(account) ? account : undefined;
}

/** What one AssumeRole call returns: the credentials, and how far STS's clock is from ours. */
export interface IssuedCredentials extends RoleCredentials {
  /** STS's Date minus this host's clock, as the SDK measured it (0 within its 4-minute threshold). */
  readonly stsClockOffsetMs?: number;
}
