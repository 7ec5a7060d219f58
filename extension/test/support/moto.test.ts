import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { CLIENT_KINDS, execClient, runClient, whoamiEnv } from "./clients.js";
import { type MotoEnvironment, startMoto } from "./moto.js";

interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

let moto: MotoEnvironment;

beforeAll(async () => {
  moto = await startMoto();
});

afterAll(async () => {
  await moto?.stop();
});

function sts(keys: Keys): STSClient {
  return new STSClient({ endpoint: moto.endpoint, region: moto.region, credentials: keys, maxAttempts: 1 });
}

const baseKeys = (): Keys => ({
  accessKeyId: moto.base.accessKeyId,
  secretAccessKey: moto.base.secretAccessKey,
});

async function assume(keys: Keys, roleArn: string, session: string, externalId?: string): Promise<Keys> {
  const { Credentials } = await sts(keys).send(
    new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: session, ExternalId: externalId }),
  );
  if (
    Credentials?.AccessKeyId === undefined ||
    Credentials.SecretAccessKey === undefined ||
    Credentials.SessionToken === undefined
  ) {
    throw new Error(`AssumeRole ${roleArn} returned no credentials`);
  }
  return {
    accessKeyId: Credentials.AccessKeyId,
    secretAccessKey: Credentials.SecretAccessKey,
    sessionToken: Credentials.SessionToken,
  };
}

function keyEnv(keys: Keys): Record<string, string | undefined> {
  return {
    AWS_ACCESS_KEY_ID: keys.accessKeyId,
    AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
    AWS_SESSION_TOKEN: keys.sessionToken,
  };
}

describe("startMoto", () => {
  test("enforces signatures once seeded", async () => {
    await expect(
      sts({ ...baseKeys(), secretAccessKey: "not-the-secret" }).send(new GetCallerIdentityCommand({})),
    ).rejects.toMatchObject({ name: "SignatureDoesNotMatch" });
    await expect(
      sts({ accessKeyId: "AKIAUNKNOWNUNKNOWN00", secretAccessKey: "x" }).send(
        new GetCallerIdentityCommand({}),
      ),
    ).rejects.toMatchObject({ name: "InvalidClientTokenId" });
  });

  test("base user authenticates as the seeded IAM user", async () => {
    const identity = await sts(baseKeys()).send(new GetCallerIdentityCommand({}));
    expect(identity.Arn).toBe(`arn:aws:iam::${moto.accountId}:user/sidecar-base`);
    expect(identity.Arn).toBe(moto.base.arn);
  });

  test("base user assumes reader, and reader chains to chained", async () => {
    const reader = await assume(baseKeys(), moto.roles.reader, "harness-reader");
    const readerIdentity = await sts(reader).send(new GetCallerIdentityCommand({}));
    expect(readerIdentity.Arn).toBe(`arn:aws:sts::${moto.accountId}:assumed-role/reader/harness-reader`);

    const chained = await assume(reader, moto.roles.chained, "harness-chained");
    const chainedIdentity = await sts(chained).send(new GetCallerIdentityCommand({}));
    expect(chainedIdentity.Arn).toBe(`arn:aws:sts::${moto.accountId}:assumed-role/chained/harness-chained`);
  });

  test("base user is denied forbidden", async () => {
    await expect(assume(baseKeys(), moto.roles.forbidden, "harness-forbidden")).rejects.toMatchObject({
      name: "AccessDenied",
      $metadata: { httpStatusCode: 403 },
    });
  });

  test("external role checks a sent ExternalId", async () => {
    await expect(
      assume(baseKeys(), moto.roles.external, "harness-ext", "wrong-external-id"),
    ).rejects.toMatchObject({ name: "AccessDenied" });
    const keys = await assume(baseKeys(), moto.roles.external, "harness-ext", moto.externalId);
    const identity = await sts(keys).send(new GetCallerIdentityCommand({}));
    expect(identity.Arn).toBe(`arn:aws:sts::${moto.accountId}:assumed-role/external/harness-ext`);
  });
});

describe.each(CLIENT_KINDS)("%s whoami client", (kind) => {
  test("reports the reader session: DynamoDB allowed, S3 denied", async () => {
    const reader = await assume(baseKeys(), moto.roles.reader, `whoami-${kind}`);
    const result = await runClient(kind, { ...whoamiEnv(moto), ...keyEnv(reader) });
    expect(result).toEqual({
      arn: `arn:aws:sts::${moto.accountId}:assumed-role/reader/whoami-${kind}`,
      account: moto.accountId,
      dynamodb: "allowed",
      s3: "denied:AccessDenied",
    });
  });

  test("reports DynamoDB denied for the chained session and skips unset checks", async () => {
    const reader = await assume(baseKeys(), moto.roles.reader, `whoami-${kind}`);
    const chained = await assume(reader, moto.roles.chained, `chained-${kind}`);
    const result = await runClient(kind, { ...whoamiEnv(moto, { s3: false }), ...keyEnv(chained) });
    expect(result).toEqual({
      arn: `arn:aws:sts::${moto.accountId}:assumed-role/chained/chained-${kind}`,
      account: moto.accountId,
      dynamodb: "denied:AccessDenied",
      s3: "skipped",
    });
  });

  test("fails, without the parent's AWS variables, when given no credentials", async () => {
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = moto.base.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = moto.base.secretAccessKey;
    try {
      const run = await execClient(kind, whoamiEnv(moto));
      expect(run.exitCode).toBe(1);
      expect(run.stdout).toBe("");
      expect(run.stderr).toMatch(/NoCredentialsError|CredentialsProviderError/);
    } finally {
      if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
      else process.env.AWS_ACCESS_KEY_ID = saved.id;
      if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
      else process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    }
  });

  test("exits non-zero on errors other than access denied", async () => {
    const reader = await assume(baseKeys(), moto.roles.reader, `whoami-${kind}`);
    const run = await execClient(kind, {
      ...whoamiEnv(moto),
      ...keyEnv({ ...reader, secretAccessKey: "wrong-secret" }),
    });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain("SignatureDoesNotMatch");
  });
});
