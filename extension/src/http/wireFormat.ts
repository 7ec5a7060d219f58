import { isoTimestamp } from "../platform/utcTime.js";
import type { RoleCredentials } from "../sts/credentials.js";

/** The container-credentials response every SDK's container provider reads. */
export interface ContainerCredentialsBody {
  readonly Code: "Success";
  readonly AccessKeyId: string;
  readonly SecretAccessKey: string;
  readonly Token: string;
  readonly Expiration: string;
  readonly AccountId?: string;
  readonly RoleArn: string;
}

export interface ErrorBody {
  readonly Code: string;
  readonly Message: string;
}

export function toContainerCredentials(credentials: RoleCredentials): ContainerCredentialsBody {
  return {
    Code: "Success",
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
    Token: credentials.sessionToken,
    Expiration: rfc3339Utc(credentials.expiresAtMs),
    ...(credentials.accountId !== undefined ? { AccountId: credentials.accountId } : {}),
    RoleArn: credentials.roleArn,
  };
}

/** `2026-11-21T14:00:00Z`: UTC with a `Z` and no fraction, the form every SDK parses (JS fromHttp and Rust reject offsets). */
export function rfc3339Utc(ms: number): string {
  return isoTimestamp(Math.floor(ms / 1000) * 1000).replace(".000Z", "Z");
}
