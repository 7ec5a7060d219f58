import { describe, expect, it } from "vitest";
import { detachFromOwnEndpoint, isSidecarUrl } from "./ownEndpoint.js";

describe("isSidecarUrl", () => {
  it.each([
    "http://127.0.0.1:9770/roles/reader",
    "http://localhost:9770/roles/reader",
    "http://LOCALHOST:9770/",
    "http://[::1]:9770/roles/reader",
  ])("recognises %s", (url) => {
    expect(isSidecarUrl(url, 9770)).toBe(true);
  });

  it("uses the scheme's default port when the URL has none", () => {
    expect(isSidecarUrl("http://127.0.0.1/roles/reader", 80)).toBe(true);
    expect(isSidecarUrl("http://127.0.0.1/roles/reader", 9770)).toBe(false);
  });

  it.each([
    ["another port", "http://127.0.0.1:9771/roles/reader"],
    ["SnapStart's endpoint", "http://169.254.170.2/v1/credentials"],
    ["a look-alike host", "http://127.0.0.1.nip.io:9770/roles/reader"],
    ["another loopback address", "http://127.0.0.2:9770/roles/reader"],
    ["a remote host", "https://example.com:9770/"],
    ["no URL at all", "not a url"],
    ["nothing", undefined],
  ])("does not take %s for the sidecar", (_title, url) => {
    expect(isSidecarUrl(url, 9770)).toBe(false);
  });
});

describe("detachFromOwnEndpoint", () => {
  it("removes the URI and both token variables when they point at the sidecar", () => {
    // Prepare
    const env: NodeJS.ProcessEnv = {
      AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://127.0.0.1:9770/roles/reader",
      AWS_CONTAINER_AUTHORIZATION_TOKEN: "token",
      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: "/tmp/credentials-sidecar/token",
      AWS_REGION: "eu-west-1",
    };

    // Act
    const detached = detachFromOwnEndpoint(env, 9770);

    // Assess
    expect(detached).toBe(true);
    expect(env).toEqual({ AWS_REGION: "eu-west-1" });
  });

  it("leaves SnapStart's endpoint and token alone", () => {
    const env: NodeJS.ProcessEnv = {
      AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://169.254.170.2/v1/credentials",
      AWS_CONTAINER_AUTHORIZATION_TOKEN: "lambda-token",
    };
    const before = { ...env };

    expect(detachFromOwnEndpoint(env, 9770)).toBe(false);
    expect(env).toEqual(before);
  });

  it("leaves the token alone when no URI is set", () => {
    const env: NodeJS.ProcessEnv = { AWS_CONTAINER_AUTHORIZATION_TOKEN: "token" };

    expect(detachFromOwnEndpoint(env, 9770)).toBe(false);
    expect(env).toEqual({ AWS_CONTAINER_AUTHORIZATION_TOKEN: "token" });
  });
});
