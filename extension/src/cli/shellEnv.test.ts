import { describe, expect, it } from "vitest";
import { applyShellEnv, formatShellEnv, shellEnv, shellQuote } from "./shellEnv.js";

const BASE = {
  rolesUrl: "http://127.0.0.1:9770/roles/",
  token: "tok-abcdefghijklmnop",
  region: "eu-west-1",
};

describe("shellEnv", () => {
  it("points the SDKs at the default role and clears what they would read first", () => {
    const env = shellEnv({ ...BASE, defaultRole: "app" });
    const text = formatShellEnv(env);
    expect(text).toContain(
      "unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE AWS_CONTAINER_CREDENTIALS_RELATIVE_URI\n",
    );
    expect(text).toContain("export AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:9770/roles/app\n");
    expect(text).toContain("export AWS_CONTAINER_AUTHORIZATION_TOKEN=tok-abcdefghijklmnop\n");
    expect(text).toContain("export CREDENTIALS_SIDECAR_ROLES_URL=http://127.0.0.1:9770/roles/\n");
    expect(text).toContain("export AWS_SHARED_CREDENTIALS_FILE=/dev/null\n");
    expect(text).toContain("export AWS_REGION=eu-west-1\n");
    expect(text).not.toContain("AWS_ENDPOINT_URL_STS");
  });

  it("without a default role only hands out the token and the roles URL, like the wrapper", () => {
    const env = shellEnv({ ...BASE, defaultRole: undefined });
    expect(env.unset).toEqual([]);
    expect(env.set.map((v) => v.name)).toEqual([
      "AWS_CONTAINER_AUTHORIZATION_TOKEN",
      "CREDENTIALS_SIDECAR_ROLES_URL",
      "AWS_REGION",
      "AWS_DEFAULT_REGION",
    ]);
    expect(formatShellEnv(env)).toMatch(/^# no default role/);
  });

  it("adds the stand-in's endpoint with a comment, and leaves the region out when unknown", () => {
    const env = shellEnv({
      ...BASE,
      region: undefined,
      defaultRole: "app",
      stsEndpoint: "http://127.0.0.1:4000",
    });
    const text = formatShellEnv(env);
    expect(text).toContain(
      "export AWS_ENDPOINT_URL_STS=http://127.0.0.1:4000  # the stand-in; roles in account 123456789012 only\n",
    );
    expect(text).not.toContain("AWS_REGION");
  });

  it("gives a command the same variables the printed lines set", () => {
    const env = shellEnv({ ...BASE, defaultRole: "app" });
    const result = applyShellEnv({ AWS_ACCESS_KEY_ID: "AKIA", AWS_PROFILE: "dev", PATH: "/bin" }, env);
    expect(result.AWS_ACCESS_KEY_ID).toBeUndefined();
    expect(result.AWS_PROFILE).toBeUndefined();
    expect(result.PATH).toBe("/bin");
    expect(result.AWS_CONTAINER_CREDENTIALS_FULL_URI).toBe("http://127.0.0.1:9770/roles/app");
    expect(result.AWS_CONTAINER_AUTHORIZATION_TOKEN).toBe("tok-abcdefghijklmnop");
  });
});

describe("shellQuote", () => {
  it("leaves safe words alone and single-quotes the rest", () => {
    expect(shellQuote("http://127.0.0.1:9770/roles/app")).toBe("http://127.0.0.1:9770/roles/app");
    expect(shellQuote("a b")).toBe("'a b'");
    expect(shellQuote("it's $HOME")).toBe(`'it'\\''s $HOME'`);
    expect(shellQuote("")).toBe("''");
  });
});
