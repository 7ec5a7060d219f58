// Runs the real exec wrapper under each POSIX shell found: /bin/sh, dash (Debian's /bin/sh, as strict
// as busybox about bashisms), busybox sh when installed, and bash in POSIX mode (Amazon Linux's sh).
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MOVED_ASIDE, PINNED_TO_DEV_NULL } from "../../extension/src/startup/env.js";

const wrapper = fileURLToPath(new URL("../credentials-sidecar/wrapper", import.meta.url));
const shells = [
  ...new Set(["/bin/sh", "/usr/bin/dash", "/bin/dash"].filter(existsSync).map((path) => realpathSync(path))),
  ...["/usr/bin/busybox", "/bin/busybox"]
    .filter(existsSync)
    .slice(0, 1)
    .map((busybox) => `${busybox} sh`),
  // Amazon Linux's /bin/sh is bash, which runs in POSIX mode when started as sh.
  ...["/bin/bash", "/usr/bin/bash"]
    .filter(existsSync)
    .slice(0, 1)
    .map((bash) => `${bash} --posix`),
];

const TOKEN = " tok en$HOME\\n*'\"-secret-3f9c";
const ROLES_URL = "http://127.0.0.1:9770/roles/";
const EXECUTION_KEYS = {
  AWS_ACCESS_KEY_ID: "ASIAEXECUTIONROLE",
  AWS_SECRET_ACCESS_KEY: "execution-secret",
  AWS_SESSION_TOKEN: "execution-session-token",
};
const PRINT_ENV = [
  process.execPath,
  "-e",
  "console.log(JSON.stringify({ env: process.env, pid: process.pid }))",
];

let runtimeDir: string;

beforeEach(() => {
  runtimeDir = join(mkdtempSync(join(tmpdir(), "wrapper-test-")), "credentials-sidecar");
  mkdirSync(runtimeDir, { mode: 0o700 });
});
afterEach(() => rmSync(dirname(runtimeDir), { recursive: true, force: true }));

function writeRuntimeFiles(files: { token?: string; rolesUrl?: string; defaultRole?: string }): void {
  if (files.token !== undefined) writeFileSync(join(runtimeDir, "token"), files.token, { mode: 0o600 });
  if (files.rolesUrl !== undefined)
    writeFileSync(join(runtimeDir, "roles-url"), files.rolesUrl, { mode: 0o600 });
  if (files.defaultRole !== undefined)
    writeFileSync(join(runtimeDir, "default-role"), files.defaultRole, { mode: 0o600 });
}

function run(shell: string, env: Record<string, string>, command: string[] = PRINT_ENV) {
  const [program = shell, ...shellArgs] = shell.split(" ");
  const result = spawnSync(program, [...shellArgs, wrapper, ...command], {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", CREDENTIALS_SIDECAR_RUNTIME_DIR: runtimeDir, ...env },
  });
  return { ...result, output: `${result.stdout}${result.stderr}` };
}

function runEnv(shell: string, env: Record<string, string>): Record<string, string> {
  const result = run(shell, env);
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout).env;
}

describe.each(shells)("exec wrapper under %s", (shell) => {
  it("moves the execution role's keys aside and makes the default role the SDKs' default", () => {
    writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL, defaultRole: "reader" });
    const env = runEnv(shell, {
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
    writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL, defaultRole: "reader" });
    const env = runEnv(shell, {
      AWS_ACCESS_KEY_ID: EXECUTION_KEYS.AWS_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: EXECUTION_KEYS.AWS_SECRET_ACCESS_KEY,
    });
    expect(env.CREDENTIALS_SIDECAR_EXECUTION_ROLE_ACCESS_KEY_ID).toBe(EXECUTION_KEYS.AWS_ACCESS_KEY_ID);
    expect(env).not.toHaveProperty("CREDENTIALS_SIDECAR_EXECUTION_ROLE_SESSION_TOKEN");
    expect(env).not.toHaveProperty("AWS_SESSION_TOKEN");
  });

  it("hands the runtime the extension's token, which is the user's own when they set one", () => {
    // The extension adopts a user-set token and writes it to the token file, so both agree.
    writeRuntimeFiles({ token: "users-own-token-0123", rolesUrl: ROLES_URL, defaultRole: "reader" });
    const env = runEnv(shell, {
      ...EXECUTION_KEYS,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: "users-own-token-0123",
    });
    expect(env.AWS_CONTAINER_AUTHORIZATION_TOKEN).toBe("users-own-token-0123");
  });

  it("replaces Lambda's SnapStart endpoint and its token together when a default role is set", () => {
    writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL, defaultRole: "reader" });
    const env = runEnv(shell, {
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
    writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL });
    const snapStart = {
      AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://169.254.100.1:9001/2021-04-23/credentials",
      AWS_CONTAINER_AUTHORIZATION_TOKEN: "lambda-snapstart-token",
    };
    const env = runEnv(shell, snapStart);
    expect(env).toMatchObject(snapStart);
    expect(env.CREDENTIALS_SIDECAR_AUTHORIZATION_TOKEN).toBe(TOKEN);
  });

  it("treats an empty preset token as unset", () => {
    writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL });
    const env = runEnv(shell, { AWS_CONTAINER_AUTHORIZATION_TOKEN: "" });
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
    writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL, ...files });
    const env = runEnv(shell, { ...EXECUTION_KEYS, ...extraEnv });
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
    writeRuntimeFiles(files);
    const marker = join(runtimeDir, "function-ran");
    const result = run(shell, EXECUTION_KEYS, [
      process.execPath,
      "-e",
      `require("fs").writeFileSync(${JSON.stringify(marker)}, "")`,
    ]);

    expect(result.status).toBe(1);
    expect(existsSync(marker)).toBe(false);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain(join(runtimeDir, file));
    expect(result.stderr).toContain(
      "the credentials-sidecar extension did not start (check its log lines above)",
    );
    expect(result.output).not.toContain(TOKEN);
  });

  it("fails closed when the runtime folder does not exist", () => {
    const result = run(shell, { CREDENTIALS_SIDECAR_RUNTIME_DIR: join(runtimeDir, "nope") });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(`${join(runtimeDir, "nope")} does not exist`);
  });

  it("passes arguments through intact and becomes the function's process", () => {
    writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL, defaultRole: "reader" });
    const args = ["a b", "", "'single'", '"double"', "$HOME", "*", "back\\slash", "new\nline", "-e", "--"];
    const result = run(shell, EXECUTION_KEYS, [
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
    writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL, defaultRole: "reader" });
    const result = run(shell, EXECUTION_KEYS, [process.execPath, "-e", "process.exit(7)"]);
    expect(result.status).toBe(7);
    expect(result.output).toBe("");
  });
});

it("is executable on its own (shebang and mode)", () => {
  writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL, defaultRole: "reader" });
  const result = spawnSync(wrapper, PRINT_ENV, {
    encoding: "utf8",
    env: { PATH: "/usr/bin:/bin", CREDENTIALS_SIDECAR_RUNTIME_DIR: runtimeDir, ...EXECUTION_KEYS },
  });
  expect(result.status).toBe(0);
  expect(JSON.parse(result.stdout).env.AWS_CONTAINER_CREDENTIALS_FULL_URI).toBe(`${ROLES_URL}reader`);
});

// ---- The runtime folder is trusted only when it is this user's own (issue: planted files) ----------

const RUNTIME_FILES = ["token", "roles-url", "default-role"] as const;
/** What files planted by someone else would say. */
const ATTACKER_URL = "http://127.0.0.1:6666/roles/";
const OTHER_UID = 65534; // nobody
const IS_ROOT = process.getuid?.() === 0;

interface Tampering {
  name: string;
  /** the path the message must name */
  path: (dir: string) => string;
  message: string;
  /** chown to another user needs root */
  needsRoot?: boolean;
  apply: (dir: string) => void;
}

const moveAway = (path: string) => {
  const elsewhere = `${dirname(path)}-elsewhere-${path.split("/").pop()}`;
  renameSync(path, elsewhere);
  return elsewhere;
};

const FOLDER_TAMPERINGS: Tampering[] = [
  {
    name: "a folder owned by another user, holding files of each name planted by that user",
    path: (dir) => dir,
    message: "is owned by another user",
    needsRoot: true,
    apply: (dir) => {
      writeFileSync(join(dir, "roles-url"), ATTACKER_URL, { mode: 0o600 });
      for (const file of RUNTIME_FILES) chownSync(join(dir, file), OTHER_UID, OTHER_UID);
      chownSync(dir, OTHER_UID, OTHER_UID);
    },
  },
  ...[0o770, 0o720, 0o702, 0o707, 0o777, 0o1777].map((mode) => ({
    name: `a folder of mode ${mode.toString(8)}`,
    path: (dir: string) => dir,
    message: "can be written by other users",
    apply: (dir: string) => chmodSync(dir, mode),
  })),
  {
    name: "a symbolic link to a good folder",
    path: (dir) => dir,
    message: "is a symbolic link",
    apply: (dir) => symlinkSync(moveAway(dir), dir),
  },
];

function fileTamperings(file: (typeof RUNTIME_FILES)[number]): Tampering[] {
  const path = (dir: string) => join(dir, file);
  return [
    {
      name: `${file} planted by another user`,
      path,
      message: "is owned by another user",
      needsRoot: true,
      apply: (dir) => chownSync(join(dir, file), OTHER_UID, OTHER_UID),
    },
    ...[0o640, 0o604, 0o620, 0o602, 0o660, 0o666].map((mode) => ({
      name: `${file} of mode ${mode.toString(8)}`,
      path,
      message: "can be read or written by other users",
      apply: (dir: string) => chmodSync(join(dir, file), mode),
    })),
    {
      name: `${file} as a symbolic link to a good file`,
      path,
      message: "is a symbolic link",
      apply: (dir) => symlinkSync(moveAway(join(dir, file)), join(dir, file)),
    },
    {
      name: `${file} as a dangling symbolic link`,
      path,
      message: "is a symbolic link",
      apply: (dir) => {
        rmSync(join(dir, file));
        symlinkSync(join(dir, "nowhere"), join(dir, file));
      },
    },
    {
      name: `${file} as a folder`,
      path,
      message: "is not a regular file",
      apply: (dir) => {
        rmSync(join(dir, file));
        mkdirSync(join(dir, file), { mode: 0o700 });
      },
    },
    {
      // reading a FIFO would block the cold start forever
      name: `${file} as a FIFO`,
      path,
      message: "is not a regular file",
      apply: (dir) => {
        rmSync(join(dir, file));
        expect(spawnSync("mkfifo", ["-m", "600", join(dir, file)]).status).toBe(0);
      },
    },
  ];
}

const TAMPERINGS = [...FOLDER_TAMPERINGS, ...RUNTIME_FILES.flatMap(fileTamperings)];

function runMarked(shell: string, env: Record<string, string> = EXECUTION_KEYS) {
  const marker = join(dirname(runtimeDir), "function-ran");
  const result = run(shell, env, [
    process.execPath,
    "-e",
    `require("fs").writeFileSync(${JSON.stringify(marker)}, "")`,
  ]);
  return { ...result, ran: existsSync(marker) };
}

describe.each(shells)("the runtime folder check under %s", (shell) => {
  it("lets the extension's own layout through (the control for every case below)", () => {
    writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL, defaultRole: "reader" });
    const result = runMarked(shell);
    expect(result.stderr).toBe("");
    expect(result.ran).toBe(true);
  });

  function expectRefused(tampering: Tampering): void {
    writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL, defaultRole: "reader" });
    tampering.apply(runtimeDir);
    const result = runMarked(shell);

    expect(result.status).toBe(1);
    expect(result.ran).toBe(false);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain(`${tampering.path(runtimeDir)} ${tampering.message}`);
    expect(result.output).not.toContain(TOKEN);
  }

  const byName = (tamperings: Tampering[]) =>
    tamperings.map((tampering) => [tampering.name, tampering] as const);
  it.each(byName(TAMPERINGS.filter((tampering) => !tampering.needsRoot)))(
    "fails closed with %s",
    (_name, tampering) => expectRefused(tampering),
  );
  // chown to another user needs root; CI runs as root.
  it.runIf(IS_ROOT).each(byName(TAMPERINGS.filter((tampering) => tampering.needsRoot)))(
    "fails closed with %s (needs root)",
    (_name, tampering) => expectRefused(tampering),
  );
});

// Images built on busybox have its `ls`, whose long format spaces its columns differently.
const BUSYBOX = ["/usr/bin/busybox", "/bin/busybox"].find(existsSync);
describe.runIf(BUSYBOX !== undefined)("the runtime folder check with busybox's ls", () => {
  function runWithBusyboxLs() {
    const bin = join(dirname(runtimeDir), "bin");
    mkdirSync(bin);
    symlinkSync(BUSYBOX as string, join(bin, "ls"));
    return runMarked("/bin/sh", { ...EXECUTION_KEYS, PATH: `${bin}:${process.env.PATH ?? "/usr/bin:/bin"}` });
  }

  it("lets the extension's own layout through", () => {
    writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL, defaultRole: "reader" });
    const result = runWithBusyboxLs();
    expect(result.stderr).toBe("");
    expect(result.ran).toBe(true);
  });

  it.each([
    ["a group-writable folder", (dir: string) => chmodSync(dir, 0o770), "can be written by other users"],
    [
      "an other-readable token",
      (dir: string) => chmodSync(join(dir, "token"), 0o604),
      "can be read or written",
    ],
  ])("refuses %s", (_name, tamper, message) => {
    writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL, defaultRole: "reader" });
    tamper(runtimeDir);
    const result = runWithBusyboxLs();
    expect(result.status).toBe(1);
    expect(result.ran).toBe(false);
    expect(result.stderr).toContain(message);
  });
});

// ---- Another layer's wrapper after this one (CREDENTIALS_SIDECAR_NEXT_WRAPPER) --------------------

/** Stands in for /opt/otel-instrument and the like: records its arguments and environment, then execs. */
function writeNextWrapper(): { path: string; record: string } {
  const path = join(dirname(runtimeDir), "otel-instrument");
  const record = join(dirname(runtimeDir), "next-wrapper-record");
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
    writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL, defaultRole: "reader" });
    const next = writeNextWrapper();
    const result = run(shell, { ...EXECUTION_KEYS, CREDENTIALS_SIDECAR_NEXT_WRAPPER: next.path });

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
    writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL });
    const next = writeNextWrapper();
    const env = runEnv(shell, { ...EXECUTION_KEYS, CREDENTIALS_SIDECAR_NEXT_WRAPPER: next.path });
    expect(env.NEXT_WRAPPER_WAS_HERE).toBe("yes");
    expect(env).toMatchObject(EXECUTION_KEYS);
  });

  it("treats an empty CREDENTIALS_SIDECAR_NEXT_WRAPPER as unset", () => {
    writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL, defaultRole: "reader" });
    const env = runEnv(shell, { CREDENTIALS_SIDECAR_NEXT_WRAPPER: "" });
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
    writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL, defaultRole: "reader" });
    const next = make(dirname(runtimeDir));
    const result = runMarked(shell, { ...EXECUTION_KEYS, CREDENTIALS_SIDECAR_NEXT_WRAPPER: next });

    expect(result.status).toBe(1);
    expect(result.ran).toBe(false);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain(next);
    expect(result.stderr).toContain(message);
    expect(result.output).not.toContain(TOKEN);
  });
});

// ---- Other credential sources SDKs read before container credentials ------------------------------

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
      writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL, defaultRole: "reader" });
      const value = OTHER_SOURCES[name] as string;
      const env = runEnv(shell, { ...EXECUTION_KEYS, [name]: value });
      expect(env[`CREDENTIALS_SIDECAR_MOVED_${name}`]).toBe(value);
      expect(env[name]).toBe(PINNED[name]);
      expect(env.AWS_CONTAINER_CREDENTIALS_FULL_URI).toBe(`${ROLES_URL}reader`);
    },
  );

  it("pins the shared files to /dev/null when they were not set, and moves nothing else", () => {
    writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL, defaultRole: "reader" });
    const env = runEnv(shell, EXECUTION_KEYS);
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
    writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL, ...files });
    const env = runEnv(shell, { ...EXECUTION_KEYS, ...OTHER_SOURCES, ...extraEnv });
    expect(env).toMatchObject(OTHER_SOURCES);
    expect(Object.keys(env).filter((name) => name.startsWith("CREDENTIALS_SIDECAR_MOVED_"))).toEqual([]);
  });
});
