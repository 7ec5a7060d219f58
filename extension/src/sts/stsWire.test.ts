import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../test/support/seededRandom.mjs";
import type { AssumeRoleParameters } from "../config/types.js";
import { classifyStsError, UNUSABLE_CODE } from "./stsErrors.js";
import { assumeRoleForm, readAssumeRoleAnswer } from "./stsWire.js";

const ok = (credentials: string, arn = "arn:aws:sts::123456789012:assumed-role/app/s") =>
  `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser><AssumedRoleId>AROA:s</AssumedRoleId><Arn>${arn}</Arn></AssumedRoleUser>
    <Credentials>${credentials}</Credentials>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>
</AssumeRoleResponse>`;
const CREDENTIALS =
  "<AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>se/cr+et&amp;</SecretAccessKey><SessionToken>tok==</SessionToken><Expiration>2026-12-01T17:00:00Z</Expiration>";
const errorXml = (code: string, message: string) =>
  `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n<Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error>\n<RequestId>r</RequestId>\n</ErrorResponse>\n`;

describe("assumeRoleForm", () => {
  it("spells every parameter as the Query protocol does, values percent-encoded", () => {
    const form = assumeRoleForm({
      RoleArn: "arn:aws:iam::123456789012:role/app",
      RoleSessionName: "fn.a+b=c,d@e",
      DurationSeconds: 900,
      ExternalId: "ext id!*'()",
      Policy: '{"Version":"2012-10-17"}',
      PolicyArns: [{ arn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }],
      Tags: [
        { Key: "team", Value: "a b" },
        { Key: "env", Value: "prod" },
      ],
      TransitiveTagKeys: ["team"],
      SourceIdentity: "me",
    });
    expect(form.split("&")).toEqual([
      "Action=AssumeRole",
      "Version=2011-06-15",
      "RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fapp",
      "RoleSessionName=fn.a%2Bb%3Dc%2Cd%40e",
      "PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess",
      "Policy=%7B%22Version%22%3A%222012-10-17%22%7D",
      "DurationSeconds=900",
      "Tags.member.1.Key=team",
      "Tags.member.1.Value=a%20b",
      "Tags.member.2.Key=env",
      "Tags.member.2.Value=prod",
      "TransitiveTagKeys.member.1=team",
      "ExternalId=ext%20id%21%2A%27%28%29",
      "SourceIdentity=me",
    ]);
  });

  it("sends an empty list as the bare name, like the SDK", () => {
    expect(assumeRoleForm({ RoleArn: "r", RoleSessionName: "s", Tags: [] })).toBe(
      "Action=AssumeRole&Version=2011-06-15&RoleArn=r&RoleSessionName=s&Tags=",
    );
  });
});

/** The body the SDK's STS client would send for `input` (its handler stops before the network). */
async function sdkForm(input: AssumeRoleParameters & { RoleSessionName: string }): Promise<string> {
  let body = "";
  const client = new STSClient({
    region: "us-east-1",
    credentials: { accessKeyId: "AKIAEXAMPLE", secretAccessKey: "secret" },
    requestHandler: {
      handle: async (request: { body: string }) => {
        body = request.body;
        throw new Error("captured");
      },
    },
  });
  await client.send(new AssumeRoleCommand(input)).catch(() => undefined);
  return body;
}

describe("assumeRoleForm against the SDK's serializer", () => {
  it("is byte for byte the SDK's body for 100 generated parameter sets", async () => {
    const random = seededRandom(1913);
    const text = (n: number) =>
      Array.from({ length: 1 + Math.floor(random() * n) }, () =>
        String.fromCodePoint(32 + Math.floor(random() * 300)),
      ).join("");
    const maybe = <T>(value: () => T): T | undefined => (random() < 0.5 ? value() : undefined);
    for (let i = 0; i < 100; i++) {
      const input = Object.fromEntries(
        Object.entries({
          RoleArn: `arn:aws:iam::123456789012:role/${text(20)}`,
          RoleSessionName: text(30),
          DurationSeconds: maybe(() => 900 + Math.floor(random() * 42300)),
          ExternalId: maybe(() => text(40)),
          Policy: maybe(() => JSON.stringify({ Statement: [{ Effect: "Allow", Resource: text(20) }] })),
          PolicyArns: maybe(() =>
            Array.from({ length: Math.floor(random() * 3) }, () => ({ arn: text(20) })),
          ),
          Tags: maybe(() =>
            Array.from({ length: Math.floor(random() * 3) }, () => ({ Key: text(10), Value: text(10) })),
          ),
          TransitiveTagKeys: maybe(() => Array.from({ length: Math.floor(random() * 3) }, () => text(10))),
          SourceIdentity: maybe(() => text(20)),
        }).filter(([, v]) => v !== undefined),
      ) as unknown as AssumeRoleParameters & { RoleSessionName: string };
      expect(assumeRoleForm(input), JSON.stringify(input)).toBe(await sdkForm(input));
    }
    // Generated cases against the SDK: seconds on a loaded machine.
  }, 30_000);
});

describe("readAssumeRoleAnswer", () => {
  it("reads the credentials, entities decoded, and the assumed role's ARN", () => {
    expect(readAssumeRoleAnswer(200, ok(CREDENTIALS))).toEqual({
      accessKeyId: "ASIAEXAMPLE",
      secretAccessKey: "se/cr+et&",
      sessionToken: "tok==",
      expiresAtMs: Date.parse("2026-12-01T17:00:00Z"),
      assumedRoleArn: "arn:aws:sts::123456789012:assumed-role/app/s",
    });
  });

  it("reads a missing Expiration as no date (NaN), for unusableCredentials to judge", () => {
    expect(
      readAssumeRoleAnswer(200, ok(CREDENTIALS.replace("2026-12-01T17:00:00Z", ""))).expiresAtMs,
    ).toBeNaN();
  });

  it.each(["soon", "2026-12-01", "2026-12-01T17:00:00", "2026-13-45T99:00:00Z"])(
    "an Expiration %j makes the answer unreadable (unusable, retried), as the SDK's parser does",
    (value) => {
      let thrown: unknown;
      try {
        readAssumeRoleAnswer(200, ok(CREDENTIALS.replace("2026-12-01T17:00:00Z", value)));
      } catch (error) {
        thrown = error;
      }
      expect(classifyStsError(thrown)).toMatchObject({ kind: "retryable", code: UNUSABLE_CODE });
      expect(classifyStsError(thrown).message).toMatch(
        /^STS answered AssumeRole with a body that cannot be read/,
      );
    },
  );

  it("reads missing fields as empty, for unusableCredentials to judge", () => {
    const answer = readAssumeRoleAnswer(200, ok("<AccessKeyId>A</AccessKeyId>"));
    expect(answer).toMatchObject({ accessKeyId: "A", secretAccessKey: "", sessionToken: "" });
  });

  it("throws STS's error code and message, with the status, classified as the SDK's would be", () => {
    const throwing = (status: number, body: string) => {
      try {
        readAssumeRoleAnswer(status, body);
      } catch (error) {
        return error as Error & { $metadata: { httpStatusCode: number } };
      }
      throw new Error("did not throw");
    };
    const denied = throwing(403, errorXml("AccessDenied", "not &lt;allowed&gt;"));
    expect(denied).toMatchObject({
      name: "AccessDenied",
      message: "not <allowed>",
      $metadata: { httpStatusCode: 403 },
    });
    expect(classifyStsError(denied)).toMatchObject({
      kind: "permanent",
      code: "AccessDenied",
      cause: "refused",
    });
    expect(classifyStsError(throwing(400, errorXml("Throttling", "Rate exceeded")))).toMatchObject({
      kind: "retryable",
      code: "Throttling",
    });
    expect(classifyStsError(throwing(502, "<html>bad gateway</html>"))).toMatchObject({
      kind: "retryable",
      cause: "unavailable",
    });
    expect(classifyStsError(throwing(400, ""))).toMatchObject({ kind: "permanent", code: "Unknown" });
    expect(throwing(404, "")).toMatchObject({ name: "NotFound" });
    // Other roots and the EC2-style list, which the SDK's Query protocol reads too
    const other = `<Response><Errors><Error><Code>AccessDenied</Code><Message>no</Message></Error></Errors></Response>`;
    expect(throwing(403, other)).toMatchObject({ name: "AccessDenied", message: "no" });
  });

  it("a 200 that is not XML is unusable (retried), as with the SDK", () => {
    let thrown: unknown;
    try {
      readAssumeRoleAnswer(200, "<AssumeRoleResponse><unclosed>");
    } catch (error) {
      thrown = error;
    }
    expect(classifyStsError(thrown)).toMatchObject({ kind: "retryable", code: UNUSABLE_CODE });
  });

  it("a 200 without Credentials is an StsError, as on the SDK path", () => {
    expect(() => readAssumeRoleAnswer(200, ok("").replace("<Credentials></Credentials>", ""))).toThrow(
      "STS answered AssumeRole without credentials",
    );
  });
});
