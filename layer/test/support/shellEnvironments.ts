/**
 * Environments a function's owner may give the exec wrapper, generated from a pool of variables that
 * change what a shell or a program does (shell options, imported functions, startup files, IFS,
 * CDPATH, PS4, PATH, locale and `ls` formatting), each with a control: a snippet whose output the
 * variable changes in the shells where it acts (and must not change where it is ignored), so a test
 * proves each one really reaches the shell before asserting the wrapper is unaffected.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { seededRandom } from "../../../extension/test/support/seededRandom.mjs";

export type ShellKind = "dash" | "bash" | "busybox";
export interface ShellUnderTest {
  readonly name: string;
  readonly kind: ShellKind;
  readonly program: string;
  readonly args: readonly string[];
  /** argv[0]: bash started as `sh` is Amazon Linux 2023's /bin/sh */
  readonly argv0?: string;
}

const bash = ["/usr/bin/bash", "/bin/bash"].find(existsSync);
const busybox = ["/usr/bin/busybox", "/bin/busybox"].find(existsSync);
const dash = ["/usr/bin/dash", "/bin/dash"].find(existsSync);
export const SHELLS: readonly ShellUnderTest[] = [
  ...(dash ? [{ name: "dash", kind: "dash", program: dash, args: [] } as const] : []),
  ...(bash ? [{ name: "bash as sh", kind: "bash", program: bash, args: [], argv0: "sh" } as const] : []),
  ...(busybox ? [{ name: "busybox sh", kind: "busybox", program: busybox, args: ["sh"] } as const] : []),
];

export type Env = Record<string, string | undefined>;

/** Runs `shell script args...` with exactly `env` (an undefined value: not set at all). */
export function runShell(shell: ShellUnderTest, env: Env, script: string[], options: { cwd?: string } = {}) {
  const clean = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined));
  const result = spawnSync(shell.program, [...shell.args, ...script], {
    encoding: "utf8",
    env: clean as Record<string, string>,
    ...(shell.argv0 ? { argv0: shell.argv0 } : {}),
    cwd: options.cwd ?? "/",
    timeout: 20_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export interface PoolVariable {
  readonly name: string;
  /** undefined: the variable is not set at all (PATH) */
  readonly values: readonly (string | undefined)[];
  /** sh code whose output (stdout and stderr) the variable changes where it acts */
  readonly control: string;
  readonly actsIn: readonly ShellKind[];
  /** the shells in which the wrapper hands it to the runtime unchanged (proof that it reached the wrapper) */
  readonly passesThrough?: readonly ShellKind[];
}

const ALL: readonly ShellKind[] = ["dash", "bash", "busybox"];
const IS_ROOT = process.getuid?.() === 0;

/** Programs named like everything a shell script might run, each printing its environment. */
export function makeHostileBin(folder: string): string {
  mkdirSync(folder, { recursive: true });
  for (const name of [
    "ls",
    "stat",
    "find",
    "cat",
    "env",
    "printf",
    "test",
    "[",
    "id",
    "head",
    "echo",
    "shopt",
  ]) {
    writeFileSync(join(folder, name), `#!/bin/sh\necho "HIJACKED $0" >&2\n/usr/bin/env >&2\n`);
    chmodSync(join(folder, name), 0o755);
  }
  return folder;
}

/** A file of 10 000 bytes: `ls -s` counts it in 1024-byte blocks, or 512-byte ones with POSIXLY_CORRECT. */
export function makeSizedFile(path: string): string {
  writeFileSync(path, "x".repeat(10_000));
  return path;
}

/** A folder holding a file whose name is not ASCII: `ls -b` prints it differently by locale. */
export function makeLocaleProbe(folder: string): string {
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, "\u00e9t\u00e9"), "");
  return folder;
}

const hijack = (name: string, control: string): PoolVariable => ({
  name: `BASH_FUNC_${name}%%`,
  values: ['() { echo "hijacked $*" >&2; return 0; }'],
  control,
  actsIn: ["bash"],
});

export function variablePool(paths: {
  hostileBin: string;
  startupFile: string;
  localeProbe: string;
  sizedFile: string;
}) {
  const pool: PoolVariable[] = [
    {
      name: "SHELLOPTS",
      values: [
        "xtrace",
        "verbose",
        "errexit:nounset",
        "allexport",
        "noclobber",
        "keyword",
        "monitor",
        "noglob",
        "allexport:errexit:keyword:noclobber:nounset:verbose:xtrace",
      ],
      control: 'echo "$-"',
      actsIn: ["bash"],
    },
    {
      name: "BASHOPTS",
      values: ["nocasematch", "xpg_echo", "execfail", "nullglob", "nocasematch:xpg_echo:execfail"],
      control:
        "case A in a) echo nocase ;; esac; echo 'a\\tb'; echo /nonexistent-glob*; exec /nonexistent-program 2>/dev/null; echo carried-on",
      actsIn: ["bash"],
    },
    hijack("printf", "printf 'x\\n'"),
    hijack("[", "[ a = b ] && echo same || echo differ"),
    hijack("test", "test a = b && echo same || echo differ"),
    hijack("cd", "cd / && pwd"),
    hijack("read", "read -r v </dev/null; echo $?"),
    hijack("echo", "echo x"),
    hijack("command", "command -v cd"),
    // Read by interactive shells only, and by bash unless it runs as sh: never here.
    { name: "ENV", values: [paths.startupFile], control: ":", actsIn: [], passesThrough: ALL },
    { name: "BASH_ENV", values: [paths.startupFile], control: ":", actsIn: [], passesThrough: ALL },
    // Shells set IFS themselves at start.
    { name: "IFS", values: ["", ":", "/", "o"], control: 'x="a:b/c o"; set -- $x; echo "$#"', actsIn: [] },
    {
      name: "CDPATH",
      values: ["/", "/tmp:/", "/nonexistent:/"],
      control: "cd / && cd etc && pwd",
      actsIn: ALL,
      passesThrough: ALL,
    },
    // bash ignores PS4 from the environment when it runs as root.
    {
      name: "PS4",
      values: ["TRACE> ", "+$(echo ps4-substitution) "],
      control: "set -x; : traced",
      actsIn: IS_ROOT ? ["dash", "busybox"] : ALL,
      passesThrough: IS_ROOT ? ["dash", "busybox"] : ALL,
    },
    {
      name: "PATH",
      values: [undefined, "", "/nonexistent", paths.hostileBin, `${paths.hostileBin}:/usr/bin:/bin`],
      control: 'echo "$PATH"; ls -d /',
      actsIn: ALL,
    },
    {
      name: "TIME_STYLE",
      values: ["+%s", "+%Y%n%m", "full-iso", "+x ."],
      control: "ls -ld /",
      actsIn: ALL,
      passesThrough: ALL,
    },
    {
      name: "BLOCK_SIZE",
      values: ["human-readable", "1K", "1M"],
      control: "ls -ld /",
      actsIn: ALL,
      passesThrough: ALL,
    },
    {
      name: "LS_COLORS",
      values: ["di=01;31", "di=4"],
      control: "ls --color=always -d /",
      actsIn: ALL,
      passesThrough: ALL,
    },
    {
      name: "QUOTING_STYLE",
      values: ["c", "shell-always"],
      control: "ls -d /",
      actsIn: ALL,
      passesThrough: ALL,
    },
    {
      name: "TZ",
      values: ["Asia/Tokyo", "UTC+5"],
      control: "ls -ld --time-style=+%H /",
      actsIn: ALL,
      passesThrough: ALL,
    },
    { name: "POSIXLY_CORRECT", values: ["1"], control: `ls -s '${paths.sizedFile}'`, actsIn: ALL },
    ...["LC_ALL", "LANG", "LC_CTYPE"].map(
      (name): PoolVariable => ({
        name,
        values: ["C.UTF-8", "C.utf8"],
        control: `ls -b '${paths.localeProbe}'`,
        actsIn: ALL,
        passesThrough: ALL,
      }),
    ),
  ];
  return pool;
}

export interface GeneratedEnvironment {
  readonly variables: readonly { readonly variable: PoolVariable; readonly value: string | undefined }[];
  /** CREDENTIALS_SIDECAR_KEEP_EXECUTION_ROLE's value, undefined: unset */
  readonly keep: string | undefined;
}

/**
 * `count` environments: the i-th holds pool[i % pool.length] (so every variable is in at least one
 * when count ≥ pool size) and `extra` others, each with a random value; a random switch spelling.
 */
export function generateEnvironments(
  pool: readonly PoolVariable[],
  seed: number,
  count: number,
  keepSpellings: readonly (string | undefined)[],
  extra = 3,
): GeneratedEnvironment[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const environments: GeneratedEnvironment[] = [];
  for (let index = 0; index < count; index++) {
    const chosen = new Set<PoolVariable>([pool[index % pool.length] as PoolVariable]);
    while (chosen.size < Math.min(extra + 1, pool.length)) chosen.add(pick(pool));
    environments.push({
      variables: [...chosen].map((variable) => ({ variable, value: pick(variable.values) })),
      keep: pick(keepSpellings),
    });
  }
  return environments;
}
