import { describe, expect, it } from "vitest";
import type { RoleConfig } from "../config/types.js";
import { sendOverHttp } from "./agentStsExchange.js";
import type { AssumeFunction } from "./assumeFunction.js";
import type { IssuedCredentials } from "./credentials.js";
import { createDirectStsAssumer, stsSender } from "./directStsAssumer.js";
import { sendPlain } from "./plainStsExchange.js";
import { classifyStsError } from "./stsErrors.js";
import type { StsHttpAnswer } from "./stsExchange.js";

const ROLE: RoleConfig = {
  name: "app",
  parameters: { RoleArn: "arn:aws:iam::123456789012:role/app" },
  refreshBeforeExpirySeconds: 1200,
};
const BASE = { accessKeyId: "AKIABASE", secretAccessKey: "base-secret", sessionToken: "base-token" };
const NOW = Date.parse("2026-12-01T12:00:00Z");
const ok = (expiration: string) =>
  `<AssumeRoleResponse><AssumeRoleResult><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/app/s</Arn></AssumedRoleUser><Credentials><AccessKeyId>ASIAX</AccessKeyId><SecretAccessKey>sk</SecretAccessKey><SessionToken>st</SessionToken><Expiration>${expiration}</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>`;
const denied = `<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code><Message>Signature not yet current</Message></Error></ErrorResponse>`;

/** A fake STS: records what was sent, answers from a script. */
function fakeSts(answers: StsHttpAnswer[]) {
  const sent: { url: string; headers: Record<string, string>; body: string }[] = [];
  return {
    sent,
    send: async (url: URL, headers: Record<string, string>, body: string) => {
      sent.push({ url: url.href, headers, body });
      const answer = answers.shift();
      if (answer === undefined) throw new Error("no more answers");
      return answer;
    },
  };
}

function assumer(
  sts: ReturnType<typeof fakeSts>,
  overrides: { fallback?: () => Promise<AssumeFunction> } = {},
) {
  return createDirectStsAssumer({
    region: "eu-west-1",
    baseCredentials: BASE,
    endpointFor: (region) =>
      region === "us-iso-east-1" ? undefined : new URL(`https://sts.${region}.amazonaws.com/`),
    fallback: overrides.fallback ?? (async () => Promise.reject(new Error("no fallback"))),
    send: sts.send,
    now: () => NOW,
  });
}

describe("createDirectStsAssumer", () => {
  it("signs with the base keys for the role's region and returns the credentials with their account", async () => {
    const sts = fakeSts([
      { status: 200, date: new Date(NOW).toUTCString(), age: undefined, body: ok("2026-12-01T13:00:00Z") },
    ]);
    const issued = await assumer(sts)(
      { ...ROLE, region: "eu-north-1" },
      "fn.session",
      undefined,
      "fn.session",
    );
    expect(issued).toEqual({
      accessKeyId: "ASIAX",
      secretAccessKey: "sk",
      sessionToken: "st",
      expiresAtMs: Date.parse("2026-12-01T13:00:00Z"),
      roleArn: ROLE.parameters.RoleArn,
      assumedRoleArn: "arn:aws:sts::123456789012:assumed-role/app/s",
      sessionName: "fn.session",
      accountId: "123456789012",
      stsClockOffsetMs: 0,
    });
    const [request] = sts.sent;
    expect(request?.url).toBe("https://sts.eu-north-1.amazonaws.com/");
    expect(request?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIABASE\/20261201\/eu-north-1\/sts\/aws4_request, /,
    );
    expect(request?.headers["x-amz-security-token"]).toBe("base-token");
    expect(request?.headers["user-agent"]).toMatch(/^credentials-sidecar\/\S+ lang\/js md\/nodejs#/);
    expect(request?.body).toContain("&RoleSessionName=fn.session&SourceIdentity=fn.session");
  });

  it("signs a chained role with its source's credentials", async () => {
    const sts = fakeSts([{ status: 200, date: undefined, age: undefined, body: ok("2026-12-01T13:00:00Z") }]);
    const source = async () =>
      ({
        accessKeyId: "ASIASOURCE",
        secretAccessKey: "s",
        sessionToken: "t",
        expiresAtMs: NOW + 3600_000,
      }) as IssuedCredentials;
    await assumer(sts)(ROLE, "s", source);
    expect(sts.sent[0]?.headers.authorization).toContain("Credential=ASIASOURCE/");
    expect(sts.sent[0]?.headers["x-amz-security-token"]).toBe("t");
  });

  it("corrects its signing clock from STS's Date, as the SDK: the refusal is marked clockSkewCorrected, the next call signs with STS's time", async () => {
    // Prepare: STS two hours behind this host
    const stsNow = NOW - 2 * 3600_000;
    const sts = fakeSts([
      { status: 403, date: new Date(stsNow).toUTCString(), age: undefined, body: denied },
      { status: 200, date: new Date(stsNow).toUTCString(), age: undefined, body: ok("2026-12-01T11:00:00Z") },
    ]);
    const assume = assumer(sts);

    // Act
    const refused = await assume(ROLE, "s", undefined).catch((error: unknown) => error);
    const issued = await assume(ROLE, "s", undefined);

    // Assess
    expect(classifyStsError(refused)).toMatchObject({ kind: "retryable", code: "ClockSkewCorrected" });
    expect(sts.sent[1]?.headers["x-amz-date"]).toBe("20261201T100000Z");
    expect(issued.stsClockOffsetMs).toBe(-2 * 3600_000);
  });

  it("does not take a cached answer's Date (Age) as STS's clock", async () => {
    const sts = fakeSts([
      { status: 403, date: new Date(NOW - 3600_000).toUTCString(), age: "30", body: denied },
    ]);
    const refused = await assumer(sts)(ROLE, "s", undefined).catch((error: unknown) => error);
    expect(classifyStsError(refused)).toMatchObject({ kind: "permanent", code: "SignatureDoesNotMatch" });
  });

  it("hands a role whose endpoint only the SDK resolves to the fallback, loaded once", async () => {
    let loads = 0;
    const calls: string[] = [];
    const fallback = async (): Promise<AssumeFunction> => {
      loads++;
      return async (role, sessionName) => {
        calls.push(`${role.name}/${sessionName}`);
        return { sessionName } as IssuedCredentials;
      };
    };
    const sts = fakeSts([]);
    const assume = assumer(sts, { fallback });
    await assume({ ...ROLE, region: "us-iso-east-1" }, "a", undefined);
    await assume({ ...ROLE, region: "us-iso-east-1" }, "b", undefined);
    expect({ loads, calls, sent: sts.sent.length }).toEqual({ loads: 1, calls: ["app/a", "app/b"], sent: 0 });
  });
});

describe("stsSender", () => {
  it("sends by hand unless a proxy variable is set, upper or lower case; an empty one is unset", () => {
    expect(stsSender({})).toBe(sendPlain);
    expect(stsSender({ HTTPS_PROXY: "" })).toBe(sendPlain);
    expect(stsSender({ NO_PROXY: "*" })).toBe(sendPlain);
    for (const name of ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"])
      expect(stsSender({ [name]: "http://proxy:3128" }), name).toBe(sendOverHttp);
  });
});
