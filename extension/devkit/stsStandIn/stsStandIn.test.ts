// The STS stand-in's identities and sessions, as @aws-sdk/client-sts and botocore see them.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AssumeRoleInput,
  assumeRole,
  errorOf,
  type Keys,
  keysOf,
  roleArnIn,
  stsClient,
} from "../../test/support/stsClient.js";
import { cleanAwsEnv } from "../processKit.mjs";
import { type StsStandIn, startStsStandIn } from "./stsStandIn.js";

const ACCOUNT = "123456789012";
let clock = Date.now();
let sts: StsStandIn;

beforeAll(async () => {
  sts = await startStsStandIn({
    deniedRoles: ["forbidden"],
    externalIds: { partner: "ext-123" },
    now: () => clock,
  });
});
afterAll(() => sts.close());

const client = (credentials: Keys = sts.base) => stsClient(sts.endpoint, credentials);
const roleArn = (name: string) => roleArnIn(ACCOUNT, name);
const assume = (name: string, extra: AssumeRoleInput = {}, keys: Keys = sts.base) =>
  assumeRole(sts.endpoint, keys, ACCOUNT, name, extra);
const sessionKeys = async (name = "app-role", extra = {}): Promise<Keys> =>
  keysOf((await assume(name, extra)).Credentials);

describe("STS stand-in with @aws-sdk/client-sts", () => {
  it("generates base keys and an IAM user identity by default", async () => {
    expect(sts.base.accessKeyId).toMatch(/^AKIA[A-Z0-9]{16}$/);
    expect(sts.base.secretAccessKey).toHaveLength(40);
    expect(sts.accountId).toBe(ACCOUNT);
    const me = await client().send(new GetCallerIdentityCommand({}));
    expect(me).toMatchObject({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/local-base` });
    expect(me.UserId).toMatch(/^AIDA[A-Z0-9]{17}$/);
  });

  it("assumes a role and returns realistic credentials", async () => {
    const issuedBefore = sts.issued();
    const out = await assume("app-role", { DurationSeconds: 900, SourceIdentity: "alice" });
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(out.Credentials?.SecretAccessKey).toHaveLength(40);
    expect(out.Credentials?.SessionToken?.length).toBeGreaterThan(300);
    expect(out.Credentials?.Expiration?.getTime()).toBe(Math.floor(clock / 1000) * 1000 + 900_000);
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/app-role/sess-1`);
    expect(out.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z0-9]{17}:sess-1$/);
    expect(out.SourceIdentity).toBe("alice");
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(sts.issued()).toBe(issuedBefore + 1);
  });

  it("lets issued sessions sign later calls, AssumeRole included (role chaining)", async () => {
    const first = await assume("app-role", { RoleSessionName: "chain-me", SourceIdentity: "carol" });
    const keys = keysOf(first.Credentials);
    const me = await client(keys).send(new GetCallerIdentityCommand({}));
    expect(me.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/app-role/chain-me`);
    expect(me.UserId).toBe(first.AssumedRoleUser?.AssumedRoleId);
    const chained = await assume("other-role", { DurationSeconds: 3600 }, keys);
    expect(chained.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/other-role/sess-1`);
    expect(chained.SourceIdentity).toBe("carol"); // kept along the chain, as STS does
  });

  it("rejects bad signatures, unknown keys and missing session tokens", async () => {
    // Always a different secret: its last character changed to another one (a fixed "x" would be the
    // same secret whenever the random one ended in "x").
    const secret = sts.base.secretAccessKey;
    const wrong = {
      ...sts.base,
      secretAccessKey: `${secret.slice(0, -1)}${secret.endsWith("x") ? "y" : "x"}`,
    };
    expect(wrong.secretAccessKey).not.toBe(secret);
    expect(await errorOf(client(wrong).send(new GetCallerIdentityCommand({})))).toMatchObject({
      name: "SignatureDoesNotMatch",
      status: 403,
    });
    const unknown = { accessKeyId: "AKIAUNKNOWNUNKNOWN00", secretAccessKey: "x".repeat(40) };
    expect(await errorOf(client(unknown).send(new GetCallerIdentityCommand({})))).toMatchObject({
      name: "InvalidClientTokenId",
      status: 403,
    });
    const { sessionToken: _dropped, ...noToken } = await sessionKeys();
    expect((await errorOf(client(noToken).send(new GetCallerIdentityCommand({})))).name).toBe(
      "InvalidClientTokenId",
    );
  });

  it("denies configured roles, other accounts and a wrong ExternalId", async () => {
    expect(await errorOf(assume("forbidden"))).toMatchObject({
      name: "AccessDenied",
      status: 403,
      message: `User: arn:aws:iam::${ACCOUNT}:user/local-base is not authorized to perform: sts:AssumeRole on resource: ${roleArn("forbidden")}`,
    });
    const foreign = assumeRole(sts.endpoint, sts.base, "210987654321", "x", { RoleSessionName: "s1" });
    expect((await errorOf(foreign)).name).toBe("AccessDenied");
    expect((await errorOf(assume("partner", { ExternalId: "ext-999" }))).name).toBe("AccessDenied");
    expect((await assume("partner", { ExternalId: "ext-123" })).AssumedRoleUser?.Arn).toContain("/partner/");
  });

  it("expires sessions by the injected clock and honours sessionLifetimeSeconds", async () => {
    sts.setSessionLifetimeSeconds(30);
    try {
      const out = await assume("app-role", { DurationSeconds: 3600 });
      expect(out.Credentials?.Expiration?.getTime()).toBe(Math.floor(clock / 1000) * 1000 + 30_000);
      const keys = keysOf(out.Credentials);
      expect((await client(keys).send(new GetCallerIdentityCommand({}))).Arn).toContain(
        "assumed-role/app-role",
      );
      clock += 31_000;
      expect(await errorOf(client(keys).send(new GetCallerIdentityCommand({})))).toMatchObject({
        name: "ExpiredToken",
        status: 403,
      });
    } finally {
      clock = Date.now();
      sts.setSessionLifetimeSeconds(undefined);
    }
  });

  it("answers AssumeRole with the raw values of an override, until it is cleared", async () => {
    // Act
    sts.setAnswerOverride({ Expiration: "2020-01-01T00:00:00Z", AccessKeyId: " " });
    const overridden = (await assume("app-role")).Credentials;
    sts.setAnswerOverride({ SessionToken: undefined });
    const missing = (await assume("app-role")).Credentials;
    sts.setAnswerOverride(undefined);
    const normal = (await assume("app-role")).Credentials;

    // Assess
    expect(overridden?.Expiration?.toISOString()).toBe("2020-01-01T00:00:00.000Z");
    expect(overridden?.AccessKeyId).toBe(" ");
    expect(overridden?.SecretAccessKey).toHaveLength(40);
    expect(missing?.SessionToken).toBeUndefined();
    expect(normal?.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(normal?.Expiration?.getTime()).toBeGreaterThan(clock);
  });

  it("answers raw requests without auth or with an unknown action in STS XML", async () => {
    const post = (body: string) =>
      fetch(sts.endpoint, {
        method: "POST",
        body,
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
    const missing = await post("Action=GetCallerIdentity&Version=2011-06-15");
    expect(missing.status).toBe(403);
    expect(await missing.text()).toMatch(/<Code>MissingAuthenticationToken<\/Code>/);
    const unknown = await post("Action=GetSessionToken&Version=2011-06-15");
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain("<Code>InvalidAction</Code>");
  });
});

describe("STS stand-in's clock", () => {
  it("rejects requests signed 20 minutes off its clock; the SDK corrects its skew from the Date header", async () => {
    const own = await startStsStandIn({ now: () => Date.now() + 20 * 60_000 });
    try {
      expect(
        await errorOf(stsClient(own.endpoint, own.base).send(new GetCallerIdentityCommand({}))),
      ).toMatchObject({
        name: "SignatureDoesNotMatch",
        message: expect.stringMatching(/^Signature expired: /),
      });
      const retrying = stsClient(own.endpoint, own.base, 2);
      expect((await retrying.send(new GetCallerIdentityCommand({}))).Account).toBe(ACCOUNT);
      expect(own.calls("GetCallerIdentity")).toBe(3);
    } finally {
      await own.close();
    }
  });
});

describe("STS stand-in with boto3", () => {
  it("serves AssumeRole and GetCallerIdentity to botocore, and its errors", async () => {
    const script = [
      "import boto3, json",
      "base = boto3.client('sts')",
      "c = base.assume_role(RoleArn='arn:aws:iam::123456789012:role/py-role', RoleSessionName='py')['Credentials']",
      "s = boto3.client('sts', aws_access_key_id=c['AccessKeyId'], aws_secret_access_key=c['SecretAccessKey'], aws_session_token=c['SessionToken'])",
      "me = s.get_caller_identity()",
      "try:\n    s.assume_role(RoleArn='arn:aws:iam::123456789012:role/forbidden', RoleSessionName='py')\n    denied = 'ok'",
      "except s.exceptions.ClientError as e:\n    denied = e.response['Error']['Code']",
      "print(json.dumps({'key': c['AccessKeyId'], 'exp': c['Expiration'].isoformat(), 'arn': me['Arn'], 'denied': denied}))",
    ].join("\n");
    const env = cleanAwsEnv({
      AWS_ACCESS_KEY_ID: sts.base.accessKeyId,
      AWS_SECRET_ACCESS_KEY: sts.base.secretAccessKey,
      AWS_ENDPOINT_URL_STS: sts.endpoint,
      AWS_DEFAULT_REGION: "us-east-1",
      AWS_MAX_ATTEMPTS: "1",
    });
    const { stdout } = await promisify(execFile)("python3", ["-c", script], { env, timeout: 30_000 });
    const out = JSON.parse(stdout) as { key: string; exp: string; arn: string; denied: string };
    expect(out.key).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(Date.parse(out.exp)).toBe(Math.floor(clock / 1000) * 1000 + 3_600_000);
    expect(out.arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/py-role/py`);
    expect(out.denied).toBe("AccessDenied");
  }, 30_000);
});
