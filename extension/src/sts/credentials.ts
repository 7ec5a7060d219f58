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

/**
 * STS timeouts, for both clients: short enough that a hung or trickling endpoint becomes a retry long
 * before credentials expire. The request timeout is one deadline per attempt, from the request's
 * start to the answer's last byte (not an idle timeout, which bytes trickled in would keep away).
 */
export const STS_CONNECTION_TIMEOUT_MS = 2000;
export const STS_REQUEST_TIMEOUT_MS = 5000;

/** The fields of AssumeRole's answer, as either client read them (blank or NaN when missing). */
export interface AssumeRoleAnswer {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  /** NaN when there is no Expiration to read (judged by unusableCredentials, with the clock). */
  readonly expiresAtMs: number;
  readonly assumedRoleArn: string;
}

/** One AssumeRole's result: the answer, the role and session asked for, the account, STS's clock. */
export function issuedCredentials(
  answer: AssumeRoleAnswer,
  roleArn: string,
  sessionName: string,
  stsClockOffsetMs: number,
): IssuedCredentials {
  const accountId = accountIdFromArn(answer.assumedRoleArn) ?? accountIdFromArn(roleArn);
  return {
    ...answer,
    roleArn,
    sessionName,
    ...(accountId !== undefined ? { accountId } : {}),
    stsClockOffsetMs,
  };
}
