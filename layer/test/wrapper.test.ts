// The exec wrapper under each POSIX shell (support/wrapperRun.ts): what it hands the runtime, and
// how it fails closed. The runtime folder's ownership checks: wrapperRuntimeFolder.test.ts; a next
// wrapper: wrapperNextWrapper.test.ts; the credential variables (env.ts's one list): wrapperLists.test.ts; any environment: wrapperEnvironments.test.ts.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  EXECUTION_KEYS,
  PRINT_ENV,
  ROLES_URL,
  shells,
  TOKEN,
  useWrapperSandbox,
  wrapper,
} from "./support/wrapperRun.js";

const sandbox = useWrapperSandbox();

describe.each(shells)("exec wrapper under %s", (shell) => {
  it("moves the execution role's keys aside and makes the default role the SDKs' default", () => {
    sandbox.writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL, defaultRole: "reader" });
    const env = sandbox.runEnv(shell, {
      ...EXECUTION_KEYS,
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/v2/credentials/x",
    });

    expect(env.AWS_ACCESS_KEY_ID).toBeUndefined();
    expect(env.AWS_SECRET_ACCESS_KEY).toBeUndefined();
    // Kept for the Parameters and Secrets extension: no SDK uses it without a key id and secret.
    expect(env.AWS_SESSION_TOKEN).toBe(EXECUTION_KEYS.AWS_SESSION_TOKEN);
    expect(env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI).toBeUndefined();
    expect(env.CREDENTIALS_SIDECAR_EXECUTION_ROLE_ACCESS_KEY_ID).toBe(EXECUTION_KEYS.AWS_ACCESS_KEY_ID);
    expect(env.CREDENTIALS_SIDECAR_EXECUTION_ROLE_SECRET_ACCESS_KEY).toBe(
      EXECUTION_KEYS.AWS_SECRET_ACCESS_KEY,
    );
    expect(env.CREDENTIALS_SIDECAR_EXECUTION_ROLE_SESSION_TOKEN).toBe(EXECUTION_KEYS.AWS_SESSION_TOKEN);
    expect(env.AWS_CONTAINER_CREDENTIALS_FULL_URI).toBe(`${ROLES_URL}reader`);
    expect(env.AWS_CONTAINER_AUTHORIZATION_TOKEN).toBe(TOKEN); // byte for byte, odd characters included
    expect(env.CREDENTIALS_SIDECAR_ROLES_URL).toBe(ROLES_URL);
  });

  it("copies only the keys that were set", () => {
    sandbox.writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL, defaultRole: "reader" });
    const env = sandbox.runEnv(shell, {
      AWS_ACCESS_KEY_ID: EXECUTION_KEYS.AWS_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: EXECUTION_KEYS.AWS_SECRET_ACCESS_KEY,
    });
    expect(env.CREDENTIALS_SIDECAR_EXECUTION_ROLE_ACCESS_KEY_ID).toBe(EXECUTION_KEYS.AWS_ACCESS_KEY_ID);
    expect(env).not.toHaveProperty("CREDENTIALS_SIDECAR_EXECUTION_ROLE_SESSION_TOKEN");
    expect(env).not.toHaveProperty("AWS_SESSION_TOKEN");
  });

  it("hands the runtime the extension's token, which is the user's own when they set one", () => {
    // The extension adopts a user-set token and writes it to the token file, so both agree.
    sandbox.writeRuntimeFiles({ token: "users-own-token-0123", rolesUrl: ROLES_URL, defaultRole: "reader" });
    const env = sandbox.runEnv(shell, {
      ...EXECUTION_KEYS,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: "users-own-token-0123",
    });
    expect(env.AWS_CONTAINER_AUTHORIZATION_TOKEN).toBe("users-own-token-0123");
  });

  it("replaces Lambda's SnapStart endpoint and its token together when a default role is set", () => {
    sandbox.writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL, defaultRole: "reader" });
    const env = sandbox.runEnv(shell, {
      AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://169.254.100.1:9001/2021-04-23/credentials",
      AWS_CONTAINER_AUTHORIZATION_TOKEN: "lambda-snapstart-token",
    });
    expect(env.AWS_CONTAINER_CREDENTIALS_FULL_URI).toBe(`${ROLES_URL}reader`);
    expect(env.AWS_CONTAINER_AUTHORIZATION_TOKEN).toBe(TOKEN);
    expect(env.CREDENTIALS_SIDECAR_EXECUTION_ROLE_CREDENTIALS_FULL_URI).toBe(
      "http://169.254.100.1:9001/2021-04-23/credentials",
    );
    expect(env.CREDENTIALS_SIDECAR_EXECUTION_ROLE_AUTHORIZATION_TOKEN).toBe("lambda-snapstart-token");
  });

  it("leaves Lambda's SnapStart endpoint and token alone when the execution role stays the default", () => {
    sandbox.writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL });
    const snapStart = {
      AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://169.254.100.1:9001/2021-04-23/credentials",
      AWS_CONTAINER_AUTHORIZATION_TOKEN: "lambda-snapstart-token",
    };
    const env = sandbox.runEnv(shell, snapStart);
    expect(env).toMatchObject(snapStart);
    expect(env.CREDENTIALS_SIDECAR_AUTHORIZATION_TOKEN).toBe(TOKEN);
  });

  it("treats an empty preset token as unset", () => {
    sandbox.writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL });
    const env = sandbox.runEnv(shell, { AWS_CONTAINER_AUTHORIZATION_TOKEN: "" });
    expect(env.AWS_CONTAINER_AUTHORIZATION_TOKEN).toBe(TOKEN);
  });

  it.each([
    [
      "CREDENTIALS_SIDECAR_KEEP_EXECUTION_ROLE=true",
      { defaultRole: "reader" },
      { CREDENTIALS_SIDECAR_KEEP_EXECUTION_ROLE: "true" },
    ],
    ["no default-role file", {}, {}],
  ])("leaves the execution role as the default with %s", (_name, files, extraEnv) => {
    sandbox.writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL, ...files });
    const env = sandbox.runEnv(shell, { ...EXECUTION_KEYS, ...extraEnv });
    expect(env).toMatchObject(EXECUTION_KEYS);
    expect(env).not.toHaveProperty("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    expect(env).not.toHaveProperty("CREDENTIALS_SIDECAR_EXECUTION_ROLE_ACCESS_KEY_ID");
    expect(env.AWS_CONTAINER_AUTHORIZATION_TOKEN).toBe(TOKEN);
    expect(env.CREDENTIALS_SIDECAR_ROLES_URL).toBe(ROLES_URL);
  });

  it.each([
    ["token", { rolesUrl: ROLES_URL, defaultRole: "reader" }],
    ["token", { token: "", rolesUrl: ROLES_URL }],
    ["roles-url", { token: TOKEN, defaultRole: "reader" }],
    ["default-role", { token: TOKEN, rolesUrl: ROLES_URL, defaultRole: "../admin" }],
    ["default-role", { token: TOKEN, rolesUrl: ROLES_URL, defaultRole: "" }],
  ])("fails closed without running the function when %s is missing or bad (%j)", (file, files) => {
    sandbox.writeRuntimeFiles(files);
    const marker = join(sandbox.runtimeDir, "function-ran");
    const result = sandbox.run(shell, EXECUTION_KEYS, [
      process.execPath,
      "-e",
      `require("fs").writeFileSync(${JSON.stringify(marker)}, "")`,
    ]);

    expect(result.status).toBe(1);
    expect(existsSync(marker)).toBe(false);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain(join(sandbox.runtimeDir, file));
    expect(result.stderr).toContain(
      "the credentials-sidecar extension did not start (check its log lines above)",
    );
    expect(result.output).not.toContain(TOKEN);
  });

  it("fails closed when the runtime folder does not exist", () => {
    const result = sandbox.run(shell, { CREDENTIALS_SIDECAR_RUNTIME_DIR: join(sandbox.runtimeDir, "nope") });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(`${join(sandbox.runtimeDir, "nope")} does not exist`);
  });

  it.each([
    [
      "a relative runtime folder",
      { CREDENTIALS_SIDECAR_RUNTIME_DIR: "tmp/credentials-sidecar" },
      [process.execPath],
      "CREDENTIALS_SIDECAR_RUNTIME_DIR=tmp/credentials-sidecar is not an absolute path",
    ],
    ["no runtime command", {}, [], "no runtime command to start"],
  ])("fails closed with %s, naming it", (_name, env, command, message) => {
    sandbox.writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL, defaultRole: "reader" });
    const result = sandbox.run(shell, { ...EXECUTION_KEYS, ...env }, command);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(message);
    expect(result.output).not.toContain(TOKEN);
  });

  it("passes arguments through intact and becomes the function's process", () => {
    sandbox.writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL, defaultRole: "reader" });
    const args = ["a b", "", "'single'", '"double"', "$HOME", "*", "back\\slash", "new\nline", "-e", "--"];
    const result = sandbox.run(shell, EXECUTION_KEYS, [
      process.execPath,
      "-e",
      "console.log(JSON.stringify({ args: process.argv.slice(1), pid: process.pid }))",
      ...args,
    ]);
    expect(result.status).toBe(0);
    const printed = JSON.parse(result.stdout);
    expect(printed.args).toEqual(args);
    expect(printed.pid).toBe(result.pid); // exec, not a child: signals reach the runtime directly
  });

  it("returns the function's exit status and prints nothing of its own", () => {
    sandbox.writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL, defaultRole: "reader" });
    const result = sandbox.run(shell, EXECUTION_KEYS, [process.execPath, "-e", "process.exit(7)"]);
    expect(result.status).toBe(7);
    expect(result.output).toBe("");
  });
});

it("is executable on its own (shebang and mode)", () => {
  sandbox.writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL, defaultRole: "reader" });
  const result = spawnSync(wrapper, PRINT_ENV, {
    encoding: "utf8",
    env: { PATH: "/usr/bin:/bin", CREDENTIALS_SIDECAR_RUNTIME_DIR: sandbox.runtimeDir, ...EXECUTION_KEYS },
  });
  expect(result.status).toBe(0);
  expect(JSON.parse(result.stdout).env.AWS_CONTAINER_CREDENTIALS_FULL_URI).toBe(`${ROLES_URL}reader`);
});
