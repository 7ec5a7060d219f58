import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CREDENTIAL_VARIABLES } from "../../src/startup/env.js";
import { applyShellEnv, formatShellEnv, shellEnv, shellQuote } from "./shellEnv.js";

const WRAPPER = fileURLToPath(new URL("../../../layer/credentials-sidecar/wrapper", import.meta.url));

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
      "unset AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ROLE_ARN AWS_WEB_IDENTITY_TOKEN_FILE AWS_CONTAINER_CREDENTIALS_RELATIVE_URI\n",
    );
    expect(text).toContain("export AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:9770/roles/app\n");
    expect(text).toContain("export AWS_CONTAINER_AUTHORIZATION_TOKEN=tok-abcdefghijklmnop\n");
    expect(text).toContain("export CREDENTIALS_SIDECAR_ROLES_URL=http://127.0.0.1:9770/roles/\n");
    expect(text).toContain(
      "export AWS_SHARED_CREDENTIALS_FILE=/dev/null  # its profiles would win over the sidecar\n",
    );
    expect(text).toContain("export AWS_REGION=eu-west-1\n");
    expect(text).not.toContain("AWS_ENDPOINT_URL_STS");
  });

  it("without a default role only hands out the token and the roles URL, like the wrapper", () => {
    const env = shellEnv({ ...BASE, defaultRole: undefined });
    // newer SDKs would send the token file's token instead of the sidecar's
    expect(env.unset).toEqual(["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"]);
    expect(env.set.map((v) => v.name)).toEqual([
      "AWS_CONTAINER_AUTHORIZATION_TOKEN",
      "CREDENTIALS_SIDECAR_ROLES_URL",
      "CREDENTIALS_SIDECAR_AUTHORIZATION_TOKEN",
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

describe("shellEnv against the layer's wrapper", () => {
  // Every variable an SDK's default chain or the README's code reads (env.ts's one list and what the
  // wrapper sets itself). Only the copies under other names differ: `local` prints its lines.
  const COMPARED = [
    ...CREDENTIAL_VARIABLES.map((variable) => variable.name),
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "CREDENTIALS_SIDECAR_ROLES_URL",
    "CREDENTIALS_SIDECAR_AUTHORIZATION_TOKEN",
  ];
  const PLANTED: Record<string, string> = {
    AWS_ACCESS_KEY_ID: "AKIAEXAMPLE",
    AWS_SECRET_ACCESS_KEY: "secret",
    AWS_SESSION_TOKEN: "session-token",
    AWS_PROFILE: "dev",
    AWS_DEFAULT_PROFILE: "dev",
    AWS_ROLE_ARN: "arn:aws:iam::123456789012:role/web",
    AWS_WEB_IDENTITY_TOKEN_FILE: "/var/run/token",
    AWS_CONFIG_FILE: "/home/me/.aws/config",
    AWS_SHARED_CREDENTIALS_FILE: "/home/me/.aws/credentials",
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/v2/credentials/x",
    AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: "/var/run/secrets/pods.eks.amazonaws.com/token",
  };

  it("plants every variable of env.ts's list", () => {
    expect(Object.keys(PLANTED).sort()).toEqual(CREDENTIAL_VARIABLES.map((variable) => variable.name).sort());
  });

  it.each([["app"], [undefined]])(
    "sets and removes what the wrapper does (default role %s)",
    (defaultRole) => {
      // Prepare: the runtime folder as the extension leaves it, and a shell full of other credentials.
      const dir = mkdtempSync(join(tmpdir(), "shell-env-wrapper-"));
      try {
        writeFileSync(join(dir, "token"), BASE.token, { mode: 0o600 });
        writeFileSync(join(dir, "roles-url"), BASE.rolesUrl, { mode: 0o600 });
        if (defaultRole !== undefined) writeFileSync(join(dir, "default-role"), defaultRole, { mode: 0o600 });
        const before: Record<string, string> = {
          PATH: process.env.PATH ?? "/usr/bin:/bin",
          CREDENTIALS_SIDECAR_RUNTIME_DIR: dir,
          ...PLANTED,
        };

        // Act
        const run = spawnSync("sh", [WRAPPER, "env", "-0"], { env: before, encoding: "utf8" });
        const local = applyShellEnv(before, shellEnv({ ...BASE, defaultRole, region: undefined }));

        // Assess
        expect(run.stderr).toBe("");
        const wrapped = Object.fromEntries(
          run.stdout
            .split("\0")
            .filter((entry) => entry.includes("="))
            .map((entry) => [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)]),
        );
        for (const name of COMPARED) expect([name, local[name]]).toEqual([name, wrapped[name]]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

describe("shellQuote", () => {
  it("leaves safe words alone and single-quotes the rest", () => {
    expect(shellQuote("http://127.0.0.1:9770/roles/app")).toBe("http://127.0.0.1:9770/roles/app");
    expect(shellQuote("a b")).toBe("'a b'");
    expect(shellQuote("it's $HOME")).toBe(`'it'\\''s $HOME'`);
    expect(shellQuote("")).toBe("''");
  });
});
