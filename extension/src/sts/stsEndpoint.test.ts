import { STSClient } from "@aws-sdk/client-sts";
import { describe, expect, it } from "vitest";
import { stsEndpoint } from "./stsEndpoint.js";

const at = (env: Record<string, string>, region: string | undefined, sharedConfigFileExists = false) =>
  stsEndpoint({ env, sharedConfigFileExists }, region)?.href;

describe("stsEndpoint", () => {
  it.each([
    ["us-east-1", "https://sts.us-east-1.amazonaws.com/"],
    ["eu-central-2", "https://sts.eu-central-2.amazonaws.com/"],
    ["ap-southeast-5", "https://sts.ap-southeast-5.amazonaws.com/"],
    ["us-gov-west-1", "https://sts.us-gov-west-1.amazonaws.com/"],
    ["cn-northwest-1", "https://sts.cn-northwest-1.amazonaws.com.cn/"],
  ])("sends %s's calls to its regional endpoint, as the SDK's rules do", (region, url) => {
    expect(at({}, region)).toBe(url);
  });

  it("agrees with the SDK's STS endpoint rules for every region it resolves itself", () => {
    const sdk = new STSClient({ region: "us-east-1" });
    const regions = [
      "us-east-1",
      "us-west-2",
      "eu-west-3",
      "eu-south-2",
      "ap-east-2",
      "sa-east-1",
      "ca-west-1",
    ];
    regions.push("me-central-1", "af-south-1", "il-central-1", "mx-central-1", "us-gov-east-1", "cn-north-1");
    for (const region of regions) {
      const theirs = sdk.config.endpointProvider({
        Region: region,
        UseFIPS: false,
        UseDualStack: false,
        UseGlobalEndpoint: false,
      });
      expect(at({}, region), region).toBe(theirs.url.href);
    }
  });

  it("takes AWS_ENDPOINT_URL_STS first, then AWS_ENDPOINT_URL", () => {
    expect(
      at({ AWS_ENDPOINT_URL_STS: "http://127.0.0.1:4566", AWS_ENDPOINT_URL: "http://other" }, "eu-west-1"),
    ).toBe("http://127.0.0.1:4566/");
    expect(at({ AWS_ENDPOINT_URL: "https://proxy.example/sts" }, "eu-west-1")).toBe(
      "https://proxy.example/sts",
    );
    expect(at({ AWS_ENDPOINT_URL_STS: "", AWS_ENDPOINT_URL: "http://b" }, "eu-west-1")).toBe("http://b/");
  });

  it.each([
    ["FIPS", { AWS_USE_FIPS_ENDPOINT: "true" }, "us-east-1"],
    ["dual-stack", { AWS_USE_DUALSTACK_ENDPOINT: "true" }, "us-east-1"],
    ["the legacy global endpoint", { AWS_STS_REGIONAL_ENDPOINTS: "legacy" }, "us-east-1"],
    [
      "ignored endpoint variables",
      { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true", AWS_ENDPOINT_URL_STS: "http://x" },
      "us-east-1",
    ],
    ["a profile", { AWS_PROFILE: "dev" }, "us-east-1"],
    ["an ISO partition", {}, "us-iso-east-1"],
    ["an ISO-E partition", {}, "eu-isoe-west-1"],
    ["an unknown region shape", {}, "mars-north-1"],
    ["no region", {}, undefined],
    ["an endpoint that is no URL", { AWS_ENDPOINT_URL_STS: "not a url" }, "us-east-1"],
    ["an endpoint with a query", { AWS_ENDPOINT_URL_STS: "https://x/?a=b" }, "us-east-1"],
    ["an endpoint with credentials", { AWS_ENDPOINT_URL_STS: "https://u:p@x/" }, "us-east-1"],
    ["an endpoint that is not HTTP", { AWS_ENDPOINT_URL_STS: "ftp://x/" }, "us-east-1"],
  ])("leaves %s to the SDK (undefined)", (_, env, region) => {
    expect(at(env as Record<string, string>, region)).toBeUndefined();
  });

  it("resolves itself when AWS_CONFIG_FILE names no file (the caller found none)", () => {
    expect(at({ AWS_CONFIG_FILE: "/nonexistent/config" }, "us-east-1")).toBe(
      "https://sts.us-east-1.amazonaws.com/",
    );
  });

  it("leaves everything to the SDK when the shared config file exists", () => {
    expect(at({}, "us-east-1", true)).toBeUndefined();
    expect(at({ AWS_ENDPOINT_URL_STS: "http://127.0.0.1:1" }, "us-east-1", true)).toBeUndefined();
  });
});
