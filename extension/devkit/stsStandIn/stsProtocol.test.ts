import { describe, expect, it } from "vitest";
import {
  type Caller,
  checkAssumeRole,
  errorXml,
  parseParams,
  StsError,
  successXml,
  xmlEscape,
} from "./stsProtocol.js";

describe("awsQuery parsing and rendering", () => {
  it("reads form parameters, the body's winning over the query string's", () => {
    const p = parseParams(
      "Action=AssumeRole&Tags.member.1.Key=a&RoleSessionName=s%201",
      "Action=Ignored&Extra=q",
    );
    expect(p.get("Action")).toBe("AssumeRole");
    expect(p.get("Extra")).toBe("q");
    expect(p.get("RoleSessionName")).toBe("s 1");
    expect(p.get("Tags.member.1.Key")).toBe("a");
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

  it("accepts a plain request with defaults, records Tags and ignores what it does not model (Policy...)", () => {
    const plain = {
      roleArn: ROLE,
      roleName: "app-role",
      sessionName: "sess",
      durationSeconds: 3600,
      sourceIdentity: undefined,
      tags: [],
    };
    expect(run({})).toEqual(plain);
    expect(run({ Policy: "{not json" })).toEqual(plain);
    expect(
      run({
        "Tags.member.1.Key": "tenant",
        "Tags.member.1.Value": "blue",
        "Tags.member.2.Key": "app",
        "Tags.member.2.Value": "",
      }),
    ).toEqual({
      ...plain,
      tags: [
        { key: "tenant", value: "blue" },
        { key: "app", value: "" },
      ],
    });
  });

  it("validates RoleArn and denies other accounts and denied roles", () => {
    expect(failure({ RoleArn: "arn:aws:iam::1:role" })).toEqual({
      code: "ValidationError",
      status: 400,
      message: "arn:aws:iam::1:role is invalid",
    });
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

  it("needs RoleArn and RoleSessionName", () => {
    const missing = checkAssumeRole.bind(null, new Map([["RoleArn", ROLE]]), user, policy);
    expect(missing).toThrow(
      "Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null",
    );
    const noRole = checkAssumeRole.bind(null, new Map([["RoleSessionName", "s"]]), user, policy);
    expect(noRole).toThrow("Value null at 'roleArn' failed to satisfy constraint: Member must not be null");
    expect(run({ RoleSessionName: "a+=,.@-_9" }).sessionName).toBe("a+=,.@-_9");
  });

  it("reads DurationSeconds as a whole number", () => {
    expect(failure({ DurationSeconds: "abc" })).toEqual({
      code: "ValidationError",
      status: 400,
      message: "Invalid value 'abc' for DurationSeconds",
    });
    expect(failure({ DurationSeconds: "900.5" })?.code).toBe("ValidationError");
    expect(run({ DurationSeconds: "43200" }).durationSeconds).toBe(43200);
    expect(run({ DurationSeconds: "900" }, session).durationSeconds).toBe(900);
  });

  it("enforces a configured ExternalId", () => {
    const guarded = "arn:aws:iam::123456789012:role/guarded";
    expect(failure({ RoleArn: guarded })?.code).toBe("AccessDenied");
    expect(failure({ RoleArn: guarded, ExternalId: "ext-2" })?.code).toBe("AccessDenied");
    expect(run({ RoleArn: guarded, ExternalId: "ext-1" }).roleName).toBe("guarded");
    expect(run({ ExternalId: "unasked" }).roleName).toBe("app-role");
  });

  it("takes SourceIdentity from the request, else from the calling session", () => {
    expect(run({ SourceIdentity: "alice" }).sourceIdentity).toBe("alice");
    const tagged = { ...session, sourceIdentity: "alice" };
    expect(run({}, tagged).sourceIdentity).toBe("alice");
    expect(run({ SourceIdentity: "alice" }, tagged).sourceIdentity).toBe("alice");
  });
});
