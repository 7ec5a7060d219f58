import { createHash, createHmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../test/support/seededRandom.mjs";
import { amzDate, signRequest } from "./sigV4.js";

/** The SDK's signer with node:crypto hashes, as the STS client configures it. */
class Sha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    const key =
      secret === undefined || typeof secret === "string"
        ? secret
        : secret instanceof ArrayBuffer
          ? new Uint8Array(secret)
          : new Uint8Array(secret.buffer, secret.byteOffset, secret.byteLength);
    this.hash = key === undefined ? createHash("sha256") : createHmac("sha256", key);
  }
  update(data: Uint8Array | string) {
    this.hash.update(data);
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
}

async function sdkHeaders(
  url: URL,
  headers: Record<string, string>,
  body: string,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
  region: string,
  at: Date,
) {
  const signer = new SignatureV4({ credentials, region, service: "sts", sha256: Sha256 });
  const signed = await signer.sign(
    {
      method: "POST",
      protocol: url.protocol,
      hostname: url.hostname,
      path: url.pathname,
      headers: { ...headers, host: url.host },
      body,
      query: {},
    },
    { signingDate: at },
  );
  return signed.headers as Record<string, string>;
}

const pick = <T>(random: () => number, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)] as T;
const word = (random: () => number, alphabet: string, length: number) =>
  Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join("");

describe("signRequest", () => {
  it("formats X-Amz-Date as SigV4 wants it", () => {
    expect(amzDate(new Date("2026-12-01T16:34:09.123Z"))).toBe("20261201T163409Z");
  });

  it("signs as the SDK's own signer (@smithy/signature-v4), for 200 generated requests", async () => {
    const random = seededRandom(13);
    for (let i = 0; i < 200; i++) {
      // Prepare: endpoints, paths, bodies, keys with and without a session, any time
      const host = pick(random, [
        "https://sts.eu-west-1.amazonaws.com",
        "http://127.0.0.1:4566",
        "https://sts.cn-north-1.amazonaws.com.cn",
        "http://[::1]:8080",
      ]);
      const path = pick(random, ["/", "/sts/", "/a/./b/../c", "/with%20space", "/x//y"]);
      const url = new URL(`${host}${path}`);
      const body = `Action=AssumeRole&RoleSessionName=${word(random, "abcXYZ019+=,.@-", 1 + Math.floor(random() * 40))}&Version=2011-06-15`;
      const credentials = {
        accessKeyId: `AKIA${word(random, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)}`,
        secretAccessKey: word(random, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/", 40),
        ...(random() < 0.5
          ? { sessionToken: word(random, "abcdefXYZ0123+/=", 1 + Math.floor(random() * 300)) }
          : {}),
      };
      const region = pick(random, ["us-east-1", "eu-west-1", "cn-north-1", "ap-southeast-3"]);
      const at = new Date(1_700_000_000_000 + Math.floor(random() * 1e11));
      const headers = {
        "content-type": "application/x-www-form-urlencoded",
        "user-agent": "credentials-sidecar/test",
      };

      // Act
      const ours = signRequest(
        { method: "POST", url, headers, body },
        credentials,
        { region, service: "sts" },
        at,
      );
      const theirs = await sdkHeaders(url, headers, body, credentials, region, at);

      // Assess
      expect(ours.authorization, `${url} ${region} ${at.toISOString()}`).toBe(theirs.authorization);
      expect(ours["x-amz-date"]).toBe(theirs["x-amz-date"]);
      expect(ours["x-amz-security-token"]).toBe(theirs["x-amz-security-token"]);
    }
    // Generated cases against the SDK: seconds on a loaded machine.
  }, 30_000);

  it("sends the user agent unsigned, like the SDK", () => {
    const headers = signRequest(
      {
        method: "POST",
        url: new URL("https://sts.us-east-1.amazonaws.com/"),
        headers: { "user-agent": "x" },
        body: "",
      },
      { accessKeyId: "AKIAEXAMPLE", secretAccessKey: "secret" },
      { region: "us-east-1", service: "sts" },
      new Date(0),
    );
    expect(headers["user-agent"]).toBe("x");
    expect(headers.authorization).toContain("SignedHeaders=host;x-amz-content-sha256;x-amz-date,");
  });
});
