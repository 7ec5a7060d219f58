// One list of what happens to each credential variable (env.ts CREDENTIAL_VARIABLES): the wrapper's
// block is generated from it, and what the wrapper really does with each planted variable matches it
// under each POSIX shell. (`local`'s lines are made from the same list: shellEnv.test.ts.)
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CREDENTIAL_VARIABLES } from "../../extension/src/startup/env.js";
import { renderWrapperBlock, wrapperBlockOf } from "./support/wrapperBlock.js";
import {
  EXECUTION_KEYS,
  ROLES_URL,
  shells,
  TOKEN,
  useWrapperSandbox,
  wrapper,
} from "./support/wrapperRun.js";

const sandbox = useWrapperSandbox();

it("has the block generated from env.ts's CREDENTIAL_VARIABLES, byte for byte", () => {
  const block = wrapperBlockOf(readFileSync(wrapper, "utf8"));
  const expected = renderWrapperBlock();
  if (block !== expected) {
    throw new Error(
      `layer/credentials-sidecar/wrapper's credential block differs from env.ts; replace it with:\n\n${expected}\n`,
    );
  }
});

/** A value of each variable, unlike anything the wrapper would set. */
const planted = (name: string) => `planted-${name.toLowerCase()}`;
const ALL_PLANTED = Object.fromEntries(
  CREDENTIAL_VARIABLES.map((variable) => [variable.name, planted(variable.name)]),
);

describe.each(shells)("the one list under %s", (shell) => {
  it.each(CREDENTIAL_VARIABLES.map((variable) => [variable.name, variable] as const))(
    "does with %s what env.ts says, with a default role",
    (_name, variable) => {
      sandbox.writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL, defaultRole: "reader" });
      const env = sandbox.runEnv(shell, { ...EXECUTION_KEYS, ...ALL_PLANTED });
      const value = planted(variable.name);
      if (variable.to !== undefined) expect(env[variable.to]).toBe(value);
      const left = variable.action === "copy" ? value : variable.pinnedTo;
      expect([variable.name, env[variable.name]]).toEqual([variable.name, left]);
      expect(env.AWS_CONTAINER_CREDENTIALS_FULL_URI).toBe(`${ROLES_URL}reader`);
      expect(env.AWS_CONTAINER_AUTHORIZATION_TOKEN).toBe(TOKEN);
    },
  );

  it("pins the shared files to /dev/null when they were not set, and moves nothing else", () => {
    sandbox.writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL, defaultRole: "reader" });
    const env = sandbox.runEnv(shell, EXECUTION_KEYS);
    for (const variable of CREDENTIAL_VARIABLES.filter((v) => v.pinnedTo !== undefined)) {
      expect(env[variable.name]).toBe(variable.pinnedTo);
    }
    expect(Object.keys(env).filter((name) => name.startsWith("CREDENTIALS_SIDECAR_MOVED_"))).toEqual([]);
  });

  it.each([
    ["no default role", {}, {}],
    [
      "CREDENTIALS_SIDECAR_KEEP_EXECUTION_ROLE=true",
      { defaultRole: "reader" },
      { CREDENTIALS_SIDECAR_KEEP_EXECUTION_ROLE: "true" },
    ],
  ])("with %s, changes only what goes with the sidecar's token", (_name, files, extra) => {
    sandbox.writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL, ...files });
    const env = sandbox.runEnv(shell, { ...EXECUTION_KEYS, ...ALL_PLANTED, ...extra });
    for (const variable of CREDENTIAL_VARIABLES) {
      const expected = variable.when === "sidecar token" ? undefined : planted(variable.name);
      expect([variable.name, env[variable.name]]).toEqual([variable.name, expected]);
      if (variable.when === "sidecar token") expect(env[variable.to ?? ""]).toBe(planted(variable.name));
    }
    expect(env.AWS_CONTAINER_AUTHORIZATION_TOKEN).toBe(TOKEN);
  });

  it("leaves the token file with a container URL that is not the sidecar's and no default role (SnapStart, EKS)", () => {
    sandbox.writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL });
    const theirs = {
      AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://169.254.170.23/v1/credentials",
      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: "/var/run/secrets/pods.eks.amazonaws.com/token",
    };
    const env = sandbox.runEnv(shell, theirs);
    expect(env).toMatchObject(theirs);
    expect(env.CREDENTIALS_SIDECAR_AUTHORIZATION_TOKEN).toBe(TOKEN);
  });

  it("moves the token file aside when the default role replaces a container URL that is not the sidecar's", () => {
    sandbox.writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL, defaultRole: "reader" });
    const env = sandbox.runEnv(shell, {
      AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://169.254.170.23/v1/credentials",
      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: "/var/run/secrets/pods.eks.amazonaws.com/token",
    });
    expect(env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE).toBeUndefined();
    expect(env.CREDENTIALS_SIDECAR_MOVED_AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE).toBe(
      "/var/run/secrets/pods.eks.amazonaws.com/token",
    );
    expect(env.AWS_CONTAINER_CREDENTIALS_FULL_URI).toBe(`${ROLES_URL}reader`);
    expect(env.CREDENTIALS_SIDECAR_EXECUTION_ROLE_CREDENTIALS_FULL_URI).toBe(
      "http://169.254.170.23/v1/credentials",
    );
  });
});
