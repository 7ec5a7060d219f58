/** @aws-sdk/client-sts against an STS stand-in, for the stand-in's own tests. */
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";

export type Keys = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
export type AssumeRoleInput = Partial<ConstructorParameters<typeof AssumeRoleCommand>[0]>;

/** One attempt only: a test sees each answer of the stand-in as it is. */
export const stsClient = (endpoint: string, credentials: Keys, maxAttempts = 1) =>
  new STSClient({ region: "us-east-1", endpoint, credentials, maxAttempts });

export const roleArnIn = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;

/** AssumeRole of role `name` (session "sess-1" unless `extra` says otherwise). */
export function assumeRole(
  endpoint: string,
  keys: Keys,
  account: string,
  name: string,
  extra: AssumeRoleInput = {},
) {
  return stsClient(endpoint, keys).send(
    new AssumeRoleCommand({ RoleArn: roleArnIn(account, name), RoleSessionName: "sess-1", ...extra }),
  );
}

/** The keys of a session AssumeRole answered with. */
export function keysOf(
  credentials: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string } | undefined,
): Keys {
  return {
    accessKeyId: credentials?.AccessKeyId ?? "",
    secretAccessKey: credentials?.SecretAccessKey ?? "",
    sessionToken: credentials?.SessionToken ?? "",
  };
}

/** How a call failed, as the SDK reports it; throws when it did not fail. */
export async function errorOf(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    const err = e as {
      name: string;
      message: string;
      code?: string;
      $metadata?: { httpStatusCode?: number };
    };
    return { name: err.name, message: err.message, code: err.code, status: err.$metadata?.httpStatusCode };
  }
  throw new Error("expected a failure");
}
