/**
 * Settings the SDK's own rules refuse (its endpoint rules, URL parsing, region checks) are permanent:
 * the real SDK client's errors, thrown before anything is sent, classified as misconfiguration.
 * Control: the same client with sound settings against a local STS that throttles is retried.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { AssumeRoleCommand, STSClient, type STSClientConfig } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifyStsError } from "./stsErrors.js";

const THROTTLED = `<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>`;
let sts: Server;
let endpoint: string;
let requests = 0;

beforeAll(async () => {
  sts = createServer((request, response) => {
    requests++;
    request.resume();
    request.on("end", () => response.writeHead(400, { "content-type": "text/xml" }).end(THROTTLED));
  });
  await new Promise<void>((resolve) => sts.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(sts.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => sts.close(() => resolve())));

async function assumeWith(config: () => STSClientConfig): Promise<unknown> {
  const client = new STSClient({
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
    maxAttempts: 1,
    ...config(),
  });
  try {
    await client.send(
      new AssumeRoleCommand({ RoleArn: "arn:aws:iam::123456789012:role/r", RoleSessionName: "s" }),
    );
  } catch (error) {
    return error;
  } finally {
    client.destroy();
  }
  throw new Error("AssumeRole succeeded");
}

const MISCONFIGURED: [string, string, () => STSClientConfig, RegExp][] = [
  [
    "FIPS with a custom endpoint",
    "EndpointError",
    () => ({ region: "eu-west-1", endpoint, useFipsEndpoint: true }),
    /FIPS and custom endpoint are not supported/,
  ],
  [
    "dual-stack with a custom endpoint",
    "EndpointError",
    () => ({ region: "eu-west-1", endpoint, useDualstackEndpoint: true }),
    /Dualstack and custom endpoint are not supported/,
  ],
  ["a region with spaces", "InvalidRegion", () => ({ region: "eu west 1" }), /Region not accepted/],
  [
    "a region with a leading hyphen",
    "InvalidRegion",
    () => ({ region: "-eu-west-1" }),
    /Region not accepted/,
  ],
  ["no region", "InvalidRegion", () => ({}), /Region is missing/],
  [
    "an endpoint URL with a space",
    "InvalidEndpointUrl",
    () => ({ region: "eu-west-1", endpoint: "http://sts.exa mple.com" }),
    /Invalid URL/,
  ],
  [
    "an endpoint that is no URL",
    "InvalidEndpointUrl",
    () => ({ region: "eu-west-1", endpoint: "sts" }),
    /Invalid URL/,
  ],
];

describe("classifyStsError on the SDK's refusals of its own settings", () => {
  it.each(MISCONFIGURED)(
    "%s: permanent misconfiguration %s, the SDK's reason kept, nothing sent",
    async (_settings, code, config, reason) => {
      // Prepare
      const before = requests;

      // Act
      const failure = classifyStsError(await assumeWith(config));

      // Assess
      expect(failure).toMatchObject({ kind: "permanent", cause: "misconfigured", code });
      expect(failure.message).toMatch(reason);
      expect(failure.message).toMatch(/^no STS endpoint for these settings/);
      expect(requests).toBe(before);
    },
  );

  it("control: the same client with sound settings reaches STS, and its throttling is retried", async () => {
    // Prepare
    const before = requests;

    // Act
    const failure = classifyStsError(await assumeWith(() => ({ region: "eu-west-1", endpoint })));

    // Assess
    expect(requests).toBe(before + 1);
    expect(failure).toMatchObject({ kind: "retryable", cause: "unavailable", code: "Throttling" });
  });
});
