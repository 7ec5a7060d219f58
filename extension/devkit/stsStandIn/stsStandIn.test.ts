import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanAwsEnv } from "../processKit.mjs";
import { type StsStandIn, startStsStandIn } from "./stsStandIn.js";

const ACCOUNT = "123456789012";
let clock = Date.now();
let sts: StsStandIn;
const logLines: string[] = [];

beforeAll(async () => {
  sts = await startStsStandIn({
    deniedRoles: ["forbidden"],
    externalIds: { partner: "ext-123" },
    now: () => clock,
    log: (line) => logLines.push(line),
  });
});
afterAll(() => sts.close());

type Keys = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
const client = (credentials: Keys = sts.base) =>
  new STSClient({ region: "us-east-1", endpoint: sts.endpoint, credentials, maxAttempts: 1 });
const roleArn = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const assume = (
  name: string,
  extra: Partial<ConstructorParameters<typeof AssumeRoleCommand>[0]> = {},
  keys?: Keys,
) =>
  client(keys).send(new AssumeRoleCommand({ RoleArn: roleArn(name), RoleSessionName: "sess-1", ...extra }));
const sessionKeys = async (name = "app-role", extra = {}): Promise<Keys> => {
  const c = (await assume(name, extra)).Credentials;
  return {
    accessKeyId: c?.AccessKeyId ?? "",
    secretAccessKey: c?.SecretAccessKey ?? "",
    sessionToken: c?.SessionToken ?? "",
  };
};
const errorOf = async (p: Promise<unknown>) => {
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
};

describe("STS stand-in with @aws-sdk/client-sts", () => {
  it("generates base keys and an IAM user identity by default", async () => {
    expect(sts.base.accessKeyId).toMatch(/^AKIA[A-Z0-9]{16}$/);
    expect(sts.base.secretAccessKey).toHaveLength(40);
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

  it("lets issued sessions sign later calls, and caps chained sessions at one hour", async () => {
    const first = await assume("app-role", { RoleSessionName: "chain-me" });
    const c = first.Credentials;
    const keys = {
      accessKeyId: c?.AccessKeyId ?? "",
      secretAccessKey: c?.SecretAccessKey ?? "",
      sessionToken: c?.SessionToken ?? "",
    };
    const me = await client(keys).send(new GetCallerIdentityCommand({}));
    expect(me.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/app-role/chain-me`);
    expect(me.UserId).toBe(first.AssumedRoleUser?.AssumedRoleId);
    expect(await errorOf(assume("other-role", { DurationSeconds: 7200 }, keys))).toEqual({
      name: "ValidationError",
      message:
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
      code: undefined,
      status: 400,
    });
    const chained = await assume("other-role", { DurationSeconds: 3600 }, keys);
    expect(chained.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/other-role/sess-1`);
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
    const foreign = client().send(
      new AssumeRoleCommand({ RoleArn: "arn:aws:iam::210987654321:role/x", RoleSessionName: "s1" }),
    );
    expect((await errorOf(foreign)).name).toBe("AccessDenied");
    expect((await errorOf(assume("partner", { ExternalId: "ext-999" }))).name).toBe("AccessDenied");
    expect((await assume("partner", { ExternalId: "ext-123" })).AssumedRoleUser?.Arn).toContain("/partner/");
  });

  it("expires sessions by the injected clock and honours sessionLifetimeSeconds", async () => {
    sts.setSessionLifetimeSeconds(30);
    try {
      const out = await assume("app-role", { DurationSeconds: 3600 });
      expect(out.Credentials?.Expiration?.getTime()).toBe(Math.floor(clock / 1000) * 1000 + 30_000);
      const c = out.Credentials;
      const keys = {
        accessKeyId: c?.AccessKeyId ?? "",
        secretAccessKey: c?.SecretAccessKey ?? "",
        sessionToken: c?.SessionToken ?? "",
      };
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

  it("injects throttling and server errors for the chosen actions and number of calls", async () => {
    const before = sts.calls("AssumeRole");
    await sts.setFault({ kind: "throttle", actions: ["AssumeRole"], times: 1 });
    expect((await client().send(new GetCallerIdentityCommand({}))).Account).toBe(ACCOUNT);
    expect(await errorOf(assume("app-role"))).toMatchObject({
      name: "Throttling",
      message: "Rate exceeded",
      status: 400,
    });
    expect((await assume("app-role")).Credentials?.AccessKeyId).toMatch(/^ASIA/);
    expect(sts.calls("AssumeRole")).toBe(before + 2);
    await sts.setFault({ kind: "server-error" });
    expect(await errorOf(client().send(new GetCallerIdentityCommand({})))).toMatchObject({
      name: "InternalFailure",
      status: 500,
    });
    await sts.setFault({ kind: "unavailable", times: 1 });
    expect(await errorOf(assume("app-role"))).toMatchObject({ name: "ServiceUnavailable", status: 503 });
    await sts.setFault(undefined);
  });

  it("refuses connections while the refuse fault is set, on the same port afterwards", async () => {
    await sts.setFault({ kind: "refuse" });
    expect((await errorOf(client().send(new GetCallerIdentityCommand({})))).code).toBe("ECONNREFUSED");
    await sts.setFault(undefined);
    expect((await client().send(new GetCallerIdentityCommand({}))).Account).toBe(ACCOUNT);
  });

  it("holds requests while hanging and answers them once the fault is cleared", async () => {
    await sts.setFault({ kind: "hang", actions: ["GetCallerIdentity"] });
    const before = sts.calls("GetCallerIdentity");
    let settled = false;
    const pending = client()
      .send(new GetCallerIdentityCommand({}))
      .finally(() => {
        settled = true;
      });
    await sts.waitForCalls("GetCallerIdentity", before + 1);
    expect((await assume("app-role")).AssumedRoleUser?.Arn).toContain("app-role");
    expect(settled).toBe(false);
    await sts.setFault(undefined);
    expect((await pending).Account).toBe(ACCOUNT);
  });

  it("waitForCalls resolves on the call that reaches the count, and rejects after its bound", async () => {
    const before = sts.calls("AssumeRole");
    const reached = sts.waitForCalls("AssumeRole", before + 2);
    let resolved = false;
    void reached.then(() => {
      resolved = true;
    });
    await assume("app-role");
    await Promise.resolve();
    expect(resolved).toBe(false);
    await assume("app-role");
    await reached;
    await expect(sts.waitForCalls("AssumeRole", before + 3, 50)).rejects.toThrow(
      `STS stand-in: ${before + 2} of ${before + 3} AssumeRole calls after 50 ms`,
    );
  });

  it("answers raw requests without auth or with an unknown action in STS XML, and logs no secrets", async () => {
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
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join("\n")).not.toContain(sts.base.secretAccessKey);
  });
});

describe("STS stand-in lifecycle and clock", () => {
  it("drops hanging requests when closed", async () => {
    const own = await startStsStandIn();
    await own.setFault({ kind: "hang" });
    const c = new STSClient({
      region: "us-east-1",
      endpoint: own.endpoint,
      credentials: own.base,
      maxAttempts: 1,
    });
    const pending = errorOf(c.send(new GetCallerIdentityCommand({})));
    await own.waitForCalls("GetCallerIdentity", 1);
    await own.close();
    expect((await pending).message).toMatch(/socket hang up|ECONNRESET/);
  });

  it("rejects requests signed 20 minutes off its clock; the SDK corrects its skew from the Date header", async () => {
    const own = await startStsStandIn({ now: () => Date.now() + 20 * 60_000 });
    try {
      const strict = new STSClient({
        region: "us-east-1",
        endpoint: own.endpoint,
        credentials: own.base,
        maxAttempts: 1,
      });
      expect(await errorOf(strict.send(new GetCallerIdentityCommand({})))).toMatchObject({
        name: "SignatureDoesNotMatch",
        message: expect.stringMatching(/^Signature expired: /),
      });
      const retrying = new STSClient({
        region: "us-east-1",
        endpoint: own.endpoint,
        credentials: own.base,
        maxAttempts: 2,
      });
      expect((await retrying.send(new GetCallerIdentityCommand({}))).Account).toBe(ACCOUNT);
      expect(own.calls("GetCallerIdentity")).toBe(3);
    } finally {
      await own.close();
    }
  });
});

describe("STS stand-in with boto3", () => {
  it("serves AssumeRole and GetCallerIdentity to botocore", async () => {
    const script = [
      "import boto3, json",
      "base = boto3.client('sts')",
      "c = base.assume_role(RoleArn='arn:aws:iam::123456789012:role/py-role', RoleSessionName='py')['Credentials']",
      "s = boto3.client('sts', aws_access_key_id=c['AccessKeyId'], aws_secret_access_key=c['SecretAccessKey'], aws_session_token=c['SessionToken'])",
      "me = s.get_caller_identity()",
      "try:\n    s.assume_role(RoleArn='arn:aws:iam::123456789012:role/x', RoleSessionName='py', DurationSeconds=7200)\n    chained = 'ok'",
      "except s.exceptions.ClientError as e:\n    chained = e.response['Error']['Code']",
      "print(json.dumps({'key': c['AccessKeyId'], 'exp': c['Expiration'].isoformat(), 'arn': me['Arn'], 'chained': chained}))",
    ].join("\n");
    const env = cleanAwsEnv({
      AWS_ACCESS_KEY_ID: sts.base.accessKeyId,
      AWS_SECRET_ACCESS_KEY: sts.base.secretAccessKey,
      AWS_ENDPOINT_URL_STS: sts.endpoint,
      AWS_DEFAULT_REGION: "us-east-1",
      AWS_MAX_ATTEMPTS: "1",
    });
    const { stdout } = await promisify(execFile)("python3", ["-c", script], { env, timeout: 30_000 });
    const out = JSON.parse(stdout) as { key: string; exp: string; arn: string; chained: string };
    expect(out.key).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(Date.parse(out.exp)).toBe(Math.floor(clock / 1000) * 1000 + 3_600_000);
    expect(out.arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/py-role/py`);
    expect(out.chained).toBe("ValidationError");
  }, 30_000);
});
