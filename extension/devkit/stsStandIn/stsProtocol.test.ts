import { describe, expect, it } from "vitest";
import {
  type Caller,
  checkAssumeRole,
  errorXml,
  listMembers,
  parseParams,
  StsError,
  successXml,
  xmlEscape,
} from "./stsProtocol.js";

describe("awsQuery parsing and rendering", () => {
  it("reads form parameters and member lists in index order", () => {
    const p = parseParams(
      "Action=AssumeRole&Tags.member.2.Key=b&Tags.member.2.Value=2&Tags.member.1.Key=a&Tags.member.1.Value=1&TransitiveTagKeys.member.1=a&RoleSessionName=s%201",
      "Action=Ignored&Extra=q",
    );
    expect(p.get("Action")).toBe("AssumeRole");
    expect(p.get("Extra")).toBe("q");
    expect(p.get("RoleSessionName")).toBe("s 1");
    expect(listMembers(p, "Tags")).toEqual([
      { Key: "a", Value: "1" },
      { Key: "b", Value: "2" },
    ]);
    expect(listMembers(p, "TransitiveTagKeys")).toEqual([{ "": "a" }]);
  });

  it("renders responses and errors in the STS XML shape", () => {
    expect(successXml("GetCallerIdentity", ["<Arn>a</Arn>"], "r-1")).toBe(
      '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n<GetCallerIdentityResult><Arn>a</Arn></GetCallerIdentityResult>\n<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>\n</GetCallerIdentityResponse>\n',
    );
    const xml = errorXml(new StsError("InternalFailure", "a<b", 500), "r-2");
    expect(xml).toContain(
      "<Error><Type>Receiver</Type><Code>InternalFailure</Code><Message>a&lt;b</Message></Error>",
    );
    expect(xml).toContain("<RequestId>r-2</RequestId>\n</ErrorResponse>");
    expect(new StsError("AccessDenied", "m", 403).type).toBe("Sender");
    expect(xmlEscape(`&<>"'`)).toBe("&amp;&lt;&gt;&quot;&apos;");
  });
});

describe("AssumeRole rules", () => {
  const ROLE = "arn:aws:iam::123456789012:role/path/app-role";
  const user: Caller = {
    arn: "arn:aws:iam::123456789012:user/u",
    userId: "AIDA1",
    account: "123456789012",
    chained: false,
  };
  const session: Caller = { ...user, arn: "arn:aws:sts::123456789012:assumed-role/r/s", chained: true };
  const policy = { accountId: "123456789012", deniedRoles: ["locked"], externalIds: { guarded: "ext-1" } };
  const run = (extra: Record<string, string>, caller = user) =>
    checkAssumeRole(
      new Map(Object.entries({ RoleArn: ROLE, RoleSessionName: "sess", ...extra })),
      caller,
      policy,
    );
  const failure = (extra: Record<string, string>, caller = user) => {
    try {
      run(extra, caller);
    } catch (e) {
      if (e instanceof StsError) return { code: e.code, status: e.status, message: e.message };
    }
    return undefined;
  };

  it("accepts a plain request with defaults", () => {
    expect(run({})).toEqual({
      roleArn: ROLE,
      roleName: "app-role",
      sessionName: "sess",
      durationSeconds: 3600,
      sourceIdentity: undefined,
      packedPolicySize: undefined,
    });
  });

  it("validates RoleArn", () => {
    expect(failure({ RoleArn: "arn:aws:iam::1:role" })?.message).toBe(
      "1 validation error detected: Value 'arn:aws:iam::1:role' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20",
    );
    expect(failure({ RoleArn: "arn:aws:iam::123456789012:user/someone" })).toMatchObject({
      code: "ValidationError",
      status: 400,
    });
    expect(failure({ RoleArn: "arn:aws:iam::210987654321:role/other" })).toEqual({
      code: "AccessDenied",
      status: 403,
      message: `User: ${user.arn} is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::210987654321:role/other`,
    });
    expect(failure({ RoleArn: "arn:aws:iam::123456789012:role/locked" })?.code).toBe("AccessDenied");
  });

  it("validates RoleSessionName", () => {
    expect(failure({ RoleSessionName: "a" })?.message).toMatch(
      /at 'roleSessionName' .* greater than or equal to 2$/,
    );
    expect(failure({ RoleSessionName: "x".repeat(65) })?.message).toMatch(/less than or equal to 64$/);
    expect(failure({ RoleSessionName: "has space" })?.message).toMatch(
      /regular expression pattern: \[\\w\+=,\.@-\]\*$/,
    );
    const missing = checkAssumeRole.bind(null, new Map([["RoleArn", ROLE]]), user, policy);
    expect(missing).toThrow(
      "Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null",
    );
    expect(run({ RoleSessionName: "a+=,.@-_9" }).sessionName).toBe("a+=,.@-_9");
  });

  it("validates DurationSeconds, with the one-hour cap for role chaining", () => {
    expect(failure({ DurationSeconds: "899" })?.message).toMatch(/greater than or equal to 900$/);
    expect(failure({ DurationSeconds: "43201" })?.message).toMatch(/less than or equal to 43200$/);
    expect(failure({ DurationSeconds: "abc" })?.code).toBe("ValidationError");
    expect(run({ DurationSeconds: "43200" }).durationSeconds).toBe(43200);
    expect(run({ DurationSeconds: "3600" }, session).durationSeconds).toBe(3600);
    expect(failure({ DurationSeconds: "3601" }, session)).toEqual({
      code: "ValidationError",
      status: 400,
      message:
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
    });
  });

  it("validates ExternalId and enforces a configured one", () => {
    expect(failure({ ExternalId: "x" })?.message).toMatch(/at 'externalId'/);
    expect(failure({ ExternalId: "bad id" })?.message).toMatch(/at 'externalId' .* pattern/);
    const guarded = "arn:aws:iam::123456789012:role/guarded";
    expect(failure({ RoleArn: guarded })?.code).toBe("AccessDenied");
    expect(failure({ RoleArn: guarded, ExternalId: "ext-2" })?.code).toBe("AccessDenied");
    expect(run({ RoleArn: guarded, ExternalId: "ext-1" }).roleName).toBe("guarded");
  });

  it("validates SourceIdentity and keeps it fixed along a chain", () => {
    expect(failure({ SourceIdentity: "aws:me" })?.message).toMatch(/reserved prefix 'aws:'/);
    expect(failure({ SourceIdentity: "x" })?.message).toMatch(/at 'sourceIdentity'/);
    expect(failure({ SourceIdentity: "a b" })?.message).toMatch(/at 'sourceIdentity' .* pattern/);
    expect(run({ SourceIdentity: "alice" }).sourceIdentity).toBe("alice");
    const tagged = { ...session, sourceIdentity: "alice" };
    expect(run({}, tagged).sourceIdentity).toBe("alice");
    expect(run({ SourceIdentity: "alice" }, tagged).sourceIdentity).toBe("alice");
    expect(failure({ SourceIdentity: "bob" }, tagged)?.code).toBe("ValidationError");
  });

  it("checks session policy size and syntax", () => {
    const doc = (n: number) => JSON.stringify({ Version: "2012-10-17", Pad: "x".repeat(n) });
    const small = doc(10);
    expect(run({ Policy: small }).packedPolicySize).toBe(Math.ceil((small.length * 100) / 2048));
    expect(run({ Policy: doc(2048 - doc(0).length) }).packedPolicySize).toBe(100);
    expect(failure({ Policy: doc(2049 - doc(0).length) })).toMatchObject({
      code: "PackedPolicyTooLarge",
      status: 400,
    });
    expect(failure({ Policy: "{not json" })).toMatchObject({ code: "MalformedPolicyDocument", status: 400 });
    expect(failure({ Policy: "[]" })?.code).toBe("MalformedPolicyDocument");
  });

  it("limits PolicyArns to 10 and Tags to 50", () => {
    const arns = (n: number) =>
      Object.fromEntries(
        Array.from({ length: n }, (_, i) => [
          `PolicyArns.member.${i + 1}.arn`,
          `arn:aws:iam::aws:policy/P${i}`,
        ]),
      );
    expect(run(arns(10)).packedPolicySize).toBe(1);
    expect(failure(arns(11))?.message).toMatch(/at 'policyArns' .* less than or equal to 10$/);
    const tags = (n: number) =>
      Object.fromEntries(
        Array.from({ length: n }, (_, i) => [
          [`Tags.member.${i + 1}.Key`, `k${i}`],
          [`Tags.member.${i + 1}.Value`, `v${i}`],
        ]).flat(),
      );
    expect(run(tags(50)).roleName).toBe("app-role");
    expect(failure(tags(51))?.message).toMatch(/at 'tags' .* less than or equal to 50$/);
    expect(
      failure({
        "Tags.member.1.Key": "a",
        "Tags.member.1.Value": "1",
        "Tags.member.2.Key": "A",
        "Tags.member.2.Value": "2",
      })?.message,
    ).toMatch(/Duplicate tag keys/);
    expect(failure({ "Tags.member.1.Key": "bad*key", "Tags.member.1.Value": "1" })?.message).toMatch(
      /tags\.1\.member\.key/,
    );
  });

  it("collects several violations into one message", () => {
    expect(failure({ RoleSessionName: "a", DurationSeconds: "1" })?.message).toMatch(
      /^2 validation errors detected: /,
    );
  });
});
