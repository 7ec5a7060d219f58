// The exec wrapper trusts the runtime folder only when it is this user's own (issue: planted files):
// every way another user could have planted or changed it is refused, under each POSIX shell.
// Modes are not read here: no shell builtin reads one, only the owner (or root) can change one, and
// the extension makes the folder 0700 and the files 0600 and refuses an existing folder writable by
// others (runtimeFiles.test.ts, startRefusals.test.ts). SECURITY.md says what that trades.
import { spawnSync } from "node:child_process";
import { chownSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROLES_URL, shells, TOKEN, useWrapperSandbox } from "./support/wrapperRun.js";

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
