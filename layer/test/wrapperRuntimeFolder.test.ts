// The exec wrapper trusts the runtime folder only when it is this user's own (issue: planted files):
// every way another user could have planted or changed it is refused, under each POSIX shell.
import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  BUSYBOX,
  EXECUTION_KEYS,
  ROLES_URL,
  shells,
  TOKEN,
  useWrapperSandbox,
} from "./support/wrapperRun.js";

const sandbox = useWrapperSandbox();

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

describe.each(shells)("the runtime folder check under %s", (shell) => {
  it("lets the extension's own layout through (the control for every case below)", () => {
    sandbox.writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL, defaultRole: "reader" });
    const result = sandbox.runMarked(shell);
    expect(result.stderr).toBe("");
    expect(result.ran).toBe(true);
  });

  function expectRefused(tampering: Tampering): void {
    sandbox.writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL, defaultRole: "reader" });
    tampering.apply(sandbox.runtimeDir);
    const result = sandbox.runMarked(shell);

    expect(result.status).toBe(1);
    expect(result.ran).toBe(false);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain(`${tampering.path(sandbox.runtimeDir)} ${tampering.message}`);
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
describe.runIf(BUSYBOX !== undefined)("the runtime folder check with busybox's ls", () => {
  function runWithBusyboxLs() {
    const bin = join(dirname(sandbox.runtimeDir), "bin");
    mkdirSync(bin);
    symlinkSync(BUSYBOX as string, join(bin, "ls"));
    return sandbox.runMarked("/bin/sh", {
      ...EXECUTION_KEYS,
      PATH: `${bin}:${process.env.PATH ?? "/usr/bin:/bin"}`,
    });
  }

  it("lets the extension's own layout through", () => {
    sandbox.writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL, defaultRole: "reader" });
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
    sandbox.writeRuntimeFiles({ token: TOKEN, rolesUrl: ROLES_URL, defaultRole: "reader" });
    tamper(sandbox.runtimeDir);
    const result = runWithBusyboxLs();
    expect(result.status).toBe(1);
    expect(result.ran).toBe(false);
    expect(result.stderr).toContain(message);
  });
});
