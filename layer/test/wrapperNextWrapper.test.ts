// Another layer's wrapper after this one (CREDENTIALS_SIDECAR_NEXT_WRAPPER), under each POSIX shell.
import { chmodSync, copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
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

/** Stands in for /opt/otel-instrument and the like: records its arguments and environment, then execs. */
function writeNextWrapper(): { path: string; record: string } {
  const path = join(dirname(sandbox.runtimeDir), "otel-instrument");
  const record = join(dirname(sandbox.runtimeDir), "next-wrapper-record");
  writeFileSync(
    path,
    [
      "#!/bin/sh",
      `node -e 'require("fs").writeFileSync(process.argv[1], JSON.stringify({ env: process.env, args: process.argv.slice(2) }))' ${JSON.stringify(record)} "$@"`,
      "export NEXT_WRAPPER_WAS_HERE=yes",
      'exec "$@"',
      "",
    ].join("\n"),
    { mode: 0o755 },
  );
  return { path, record };
}

describe.each(shells)("a next wrapper under %s", (shell) => {
  it("gets the sidecar's environment and the runtime command, then becomes the runtime", () => {
    sandbox.writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL, defaultRole: "reader" });
    const next = writeNextWrapper();
    const result = sandbox.run(shell, { ...EXECUTION_KEYS, CREDENTIALS_SIDECAR_NEXT_WRAPPER: next.path });

    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const recorded = JSON.parse(readFileSync(next.record, "utf8"));
    expect(recorded.args).toEqual(PRINT_ENV);
    expect(recorded.env.AWS_CONTAINER_CREDENTIALS_FULL_URI).toBe(`${ROLES_URL}reader`);
    expect(recorded.env.AWS_CONTAINER_AUTHORIZATION_TOKEN).toBe(TOKEN);
    expect(recorded.env).not.toHaveProperty("AWS_ACCESS_KEY_ID");
    const runtime = JSON.parse(result.stdout);
    expect(runtime.env.NEXT_WRAPPER_WAS_HERE).toBe("yes");
    expect(runtime.env.AWS_CONTAINER_CREDENTIALS_FULL_URI).toBe(`${ROLES_URL}reader`);
    expect(runtime.pid).toBe(result.pid); // exec all along: the runtime is the process Lambda started
  });

  it("runs the next wrapper also when the execution role stays the default", () => {
    sandbox.writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL });
    const next = writeNextWrapper();
    const env = sandbox.runEnv(shell, { ...EXECUTION_KEYS, CREDENTIALS_SIDECAR_NEXT_WRAPPER: next.path });
    expect(env.NEXT_WRAPPER_WAS_HERE).toBe("yes");
    expect(env).toMatchObject(EXECUTION_KEYS);
  });

  it("treats an empty CREDENTIALS_SIDECAR_NEXT_WRAPPER as unset", () => {
    sandbox.writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL, defaultRole: "reader" });
    const env = sandbox.runEnv(shell, { CREDENTIALS_SIDECAR_NEXT_WRAPPER: "" });
    expect(env.AWS_CONTAINER_CREDENTIALS_FULL_URI).toBe(`${ROLES_URL}reader`);
  });

  const badNextWrappers: [string, (base: string) => string, string][] = [
    ["a path that does not exist", (base) => join(base, "otel-instrument"), "does not exist"],
    [
      "a file that is not executable",
      (base) => {
        writeFileSync(join(base, "otel-instrument"), '#!/bin/sh\nexec "$@"\n', { mode: 0o644 });
        return join(base, "otel-instrument");
      },
      "is not executable",
    ],
    [
      "a folder",
      (base) => {
        mkdirSync(join(base, "otel-instrument"));
        return join(base, "otel-instrument");
      },
      "is not a file",
    ],
    ["a relative path", () => "otel-instrument", "is not an absolute path"],
    ["this wrapper", () => wrapper, "is this wrapper itself"],
    [
      "a symbolic link to this wrapper",
      (base) => {
        symlinkSync(wrapper, join(base, "wrapper-link"));
        return join(base, "wrapper-link");
      },
      "is this wrapper itself",
    ],
    [
      "a copy of this wrapper",
      (base) => {
        copyFileSync(wrapper, join(base, "wrapper-copy"));
        chmodSync(join(base, "wrapper-copy"), 0o755);
        return join(base, "wrapper-copy");
      },
      "which leads back to this wrapper",
    ],
  ];

  it.each(badNextWrappers)("fails closed when the next wrapper is %s", (_name, make, message) => {
    sandbox.writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL, defaultRole: "reader" });
    const next = make(dirname(sandbox.runtimeDir));
    const result = sandbox.runMarked(shell, { ...EXECUTION_KEYS, CREDENTIALS_SIDECAR_NEXT_WRAPPER: next });

    expect(result.status).toBe(1);
    expect(result.ran).toBe(false);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain(next);
    expect(result.stderr).toContain(message);
    expect(result.output).not.toContain(TOKEN);
  });
});
