// Other credential sources SDKs read before container credentials: the exec wrapper moves them aside
// (or pins them to /dev/null) when a default role is set, under each POSIX shell.
import { describe, expect, it } from "vitest";
import { MOVED_ASIDE, PINNED_TO_DEV_NULL } from "../../extension/src/startup/env.js";
import { EXECUTION_KEYS, ROLES_URL, shells, TOKEN, useWrapperSandbox } from "./support/wrapperRun.js";

const sandbox = useWrapperSandbox();

const OTHER_SOURCES: Readonly<Record<string, string>> = {
  AWS_SHARED_CREDENTIALS_FILE: "/var/task/.aws/credentials",
  AWS_CONFIG_FILE: "/var/task/.aws/config",
  AWS_PROFILE: "planted",
  AWS_DEFAULT_PROFILE: "planted-too",
  AWS_ROLE_ARN: "arn:aws:iam::111122223333:role/web-identity",
  AWS_WEB_IDENTITY_TOKEN_FILE: "/var/task/web-identity-token",
};
/** Pinned to a file with no profiles, so that ~/.aws is not read either. */
const PINNED: Readonly<Record<string, string>> = Object.fromEntries(
  PINNED_TO_DEV_NULL.map((name) => [name, "/dev/null"]),
);

it("covers every variable env.ts says the wrapper moves aside", () => {
  expect(Object.keys(OTHER_SOURCES).sort()).toEqual([...MOVED_ASIDE].sort());
});

describe.each(shells)("other credential sources under %s", (shell) => {
  it.each(Object.keys(OTHER_SOURCES))(
    "moves %s aside to CREDENTIALS_SIDECAR_MOVED_<name> with a default role",
    (name) => {
      sandbox.writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL, defaultRole: "reader" });
      const value = OTHER_SOURCES[name] as string;
      const env = sandbox.runEnv(shell, { ...EXECUTION_KEYS, [name]: value });
      expect(env[`CREDENTIALS_SIDECAR_MOVED_${name}`]).toBe(value);
      expect(env[name]).toBe(PINNED[name]);
      expect(env.AWS_CONTAINER_CREDENTIALS_FULL_URI).toBe(`${ROLES_URL}reader`);
    },
  );

  it("pins the shared files to /dev/null when they were not set, and moves nothing else", () => {
    sandbox.writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL, defaultRole: "reader" });
    const env = sandbox.runEnv(shell, EXECUTION_KEYS);
    expect(env).toMatchObject(PINNED);
    expect(Object.keys(env).filter((name) => name.startsWith("CREDENTIALS_SIDECAR_MOVED_"))).toEqual([]);
  });

  it.each([
    [
      "CREDENTIALS_SIDECAR_KEEP_EXECUTION_ROLE=true",
      { defaultRole: "reader" },
      { CREDENTIALS_SIDECAR_KEEP_EXECUTION_ROLE: "true" },
    ],
    ["no default role", {}, {}],
  ])("leaves them all in place with %s", (_name, files, extraEnv) => {
    sandbox.writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL, ...files });
    const env = sandbox.runEnv(shell, { ...EXECUTION_KEYS, ...OTHER_SOURCES, ...extraEnv });
    expect(env).toMatchObject(OTHER_SOURCES);
    expect(Object.keys(env).filter((name) => name.startsWith("CREDENTIALS_SIDECAR_MOVED_"))).toEqual([]);
  });
});
