import { SignatureV4 } from "@smithy/signature-v4";
import { describe, expect, it } from "vitest";
import {
  formatAmzDate,
  NodeSha256,
  type ParsedAuthorization,
  parseAmzDate,
  parseAuthorization,
  type SignedRequest,
  verifySignature,
} from "./sigv4.js";

const SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

function auth(req: SignedRequest): ParsedAuthorization {
  const header = req.headers.find(([n]) => n.toLowerCase() === "authorization")?.[1] ?? "";
  const parsed = parseAuthorization(header);
  if ("code" in parsed) throw new Error(parsed.message);
  return parsed;
}

describe("AWS SigV4 test suite vector (get-vanilla)", () => {
  const signature = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
  const request = (sig: string): SignedRequest => ({
    method: "GET",
    path: "/",
    query: "",
    body: Buffer.alloc(0),
    headers: [
      ["Host", "example.amazonaws.com"],
      ["X-Amz-Date", "20150830T123600Z"],
      [
        "Authorization",
        `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=${sig}`,
      ],
    ],
  });
  const nowMs = Date.UTC(2015, 7, 30, 12, 36);

  it("accepts the published signature", async () => {
    const req = request(signature);
    expect(
      await verifySignature(req, auth(req), { service: "service", nowMs, secret: SECRET }),
    ).toBeUndefined();
  });

  it("rejects the published signature over a different body (no x-amz-content-sha256)", async () => {
    const req = { ...request(signature), body: Buffer.from("x") };
    expect((await verifySignature(req, auth(req), { service: "service", nowMs, secret: SECRET }))?.code).toBe(
      "SignatureDoesNotMatch",
    );
  });

  it("rejects a one-character change of the signature", async () => {
    const req = request(`${signature.slice(0, -1)}0`);
    expect((await verifySignature(req, auth(req), { service: "service", nowMs, secret: SECRET }))?.code).toBe(
      "SignatureDoesNotMatch",
    );
  });
});

describe("verifySignature against @smithy/signature-v4", () => {
  const signedAt = new Date("2026-01-02T03:04:05Z");
  const body =
    "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fa&RoleSessionName=s%201";

  async function signed(query: Record<string, string> = {}): Promise<SignedRequest> {
    const signer = new SignatureV4({
      credentials: { accessKeyId: "AKIAEXAMPLE", secretAccessKey: SECRET, sessionToken: "tok" },
      region: "eu-west-1",
      service: "sts",
      sha256: NodeSha256,
    });
    const out = await signer.sign(
      {
        method: "POST",
        protocol: "http:",
        hostname: "127.0.0.1",
        port: 4566,
        path: "/",
        query,
        headers: {
          host: "127.0.0.1:4566",
          "content-type": "application/x-www-form-urlencoded",
          "x-extra": "a  b",
        },
        body,
      },
      { signingDate: signedAt },
    );
    const qs = Object.entries(query)
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
      .join("&");
    return {
      method: "POST",
      path: out.path,
      query: qs,
      headers: Object.entries(out.headers),
      body: Buffer.from(body),
    };
  }
  const opts = { service: "sts", nowMs: signedAt.getTime(), secret: SECRET };
  const check = async (req: SignedRequest, o = opts) => (await verifySignature(req, auth(req), o))?.message;

  it("verifies a request signed by the SDK's signer (with query string and token)", async () => {
    const req = await signed({ b: "2", a: "x y", "a*": "1" });
    expect(auth(req)).toMatchObject({ accessKeyId: "AKIAEXAMPLE", region: "eu-west-1", service: "sts" });
    expect(auth(req).signedHeaders).toContain("x-amz-security-token");
    expect(await check(req)).toBeUndefined();
  });

  it("detects every kind of tampering", async () => {
    const req = await signed();
    const mismatch = /does not match the signature you provided/;
    // The SDK signs x-amz-content-sha256, so a changed body is caught by that header first.
    expect(await check({ ...req, body: Buffer.from(`${body}x`) })).toMatch(/x-amz-content-sha256/);
    expect(await check({ ...req, method: "PUT" })).toMatch(mismatch);
    expect(await check({ ...req, path: "/other" })).toMatch(mismatch);
    expect(await check({ ...req, query: "a=1" })).toMatch(mismatch);
    expect(await check(req, { ...opts, secret: `${SECRET}x` })).toMatch(mismatch);
    const headers = req.headers.map(([n, v]): [string, string] => [n, n === "x-extra" ? "other" : v]);
    expect(await check({ ...req, headers })).toMatch(mismatch);
    const sha = req.headers.map(([n, v]): [string, string] => [
      n,
      n === "x-amz-content-sha256" ? "0".repeat(64) : v,
    ]);
    expect(await check({ ...req, headers: sha })).toMatch(/x-amz-content-sha256/);
    const dropped = req.headers.filter(([n]) => n !== "x-extra");
    expect(await check({ ...req, headers: dropped })).toMatch(/signed header is missing/);
    expect(await check(req, { ...opts, service: "iam" })).toMatch(/correct service: 'iam'/);
  });

  it("rejects a signature more than 15 minutes old or ahead, accepts within", async () => {
    const req = await signed();
    const at = signedAt.getTime();
    expect(await check(req, { ...opts, nowMs: at + 15 * 60_000 })).toBeUndefined();
    expect(await check(req, { ...opts, nowMs: at + 15 * 60_000 + 1000 })).toBe(
      "Signature expired: 20260102T030405Z is now earlier than 20260102T030406Z (20260102T031906Z - 15 min.)",
    );
    expect(await check(req, { ...opts, nowMs: at - 16 * 60_000 })).toMatch(/^Signature not yet current/);
  });

  it("reports a missing X-Amz-Date as IncompleteSignature", async () => {
    const req = await signed();
    const headers = req.headers.filter(([n]) => n !== "x-amz-date");
    expect((await verifySignature({ ...req, headers }, auth(req), opts))?.code).toBe("IncompleteSignature");
  });
});

describe("helpers", () => {
  it("parses Authorization headers and rejects malformed ones", () => {
    expect(
      parseAuthorization(
        "AWS4-HMAC-SHA256 Credential=K/20200101/r/sts/aws4_request,SignedHeaders=host,Signature=ab",
      ),
    ).toEqual({
      accessKeyId: "K",
      date: "20200101",
      region: "r",
      service: "sts",
      signedHeaders: ["host"],
      signature: "ab",
    });
    expect(
      parseAuthorization("AWS4-HMAC-SHA256 Credential=K/20200101/r/sts, SignedHeaders=host, Signature=ab"),
    ).toMatchObject({
      code: "IncompleteSignature",
    });
    expect(parseAuthorization("AWS4-HMAC-SHA256 Credential=K/20200101/r/sts/aws4_request")).toMatchObject({
      code: "IncompleteSignature",
    });
    expect(parseAuthorization("AWS AKID:sig")).toMatchObject({ code: "IncompleteSignature" });
  });

  it("round-trips amz dates", () => {
    expect(parseAmzDate("20150830T123600Z")).toBe(Date.UTC(2015, 7, 30, 12, 36));
    expect(parseAmzDate("2015-08-30")).toBeUndefined();
    expect(formatAmzDate(Date.UTC(2015, 7, 30, 12, 36, 0, 999))).toBe("20150830T123600Z");
  });
});
