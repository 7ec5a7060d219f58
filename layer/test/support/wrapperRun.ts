/**
 * Runs the layer's exec wrapper (layer/credentials-sidecar/wrapper) as Lambda does, under each POSIX
 * shell found: /bin/sh, dash (Debian's /bin/sh, as strict as busybox about bashisms), busybox sh when
 * installed, and bash in POSIX mode (Amazon Linux's sh). Each test gets a fresh runtime folder of
 * its own (mode 700), in which it writes the files the extension would have written.
 */
import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, expect } from "vitest";

export const wrapper = fileURLToPath(new URL("../../credentials-sidecar/wrapper", import.meta.url));
export const shells = [
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

export const TOKEN = " tok en$HOME\\n*'\"-secret-3f9c";
export const ROLES_URL = "http://127.0.0.1:9770/roles/";
export const EXECUTION_KEYS = {
  AWS_ACCESS_KEY_ID: "ASIAEXECUTIONROLE",
  AWS_SECRET_ACCESS_KEY: "execution-secret",
  AWS_SESSION_TOKEN: "execution-session-token",
};
export const PRINT_ENV = [
  process.execPath,
  "-e",
  "console.log(JSON.stringify({ env: process.env, pid: process.pid }))",
];

export interface RuntimeFiles {
  token?: string;
  rolesUrl?: string;
  defaultRole?: string;
}

/** A run of the wrapper: the process's result, `output` being its stdout and stderr together. */
export type WrapperResult = Omit<SpawnSyncReturns<string>, "output"> & { output: string };

/** The wrapper's run in a test's own runtime folder; made by useWrapperSandbox(). */
export interface WrapperSandbox {
  /** `<scratch>/credentials-sidecar`, fresh for each test; its parent is the test's scratch folder */
  readonly runtimeDir: string;
  writeRuntimeFiles(files: RuntimeFiles): void;
  /** Runs `<shell> wrapper <command...>` with PATH, the runtime folder and `env`. */
  run(shell: string, env: Record<string, string>, command?: string[]): WrapperResult;
  /** The environment the wrapper handed PRINT_ENV; expects a clean exit. */
  runEnv(shell: string, env: Record<string, string>): Record<string, string>;
  /** Runs function code that leaves a marker file: `ran` says whether the function ran at all. */
  runMarked(shell: string, env?: Record<string, string>): WrapperResult & { ran: boolean };
}

/** Registers the per-test runtime folder (beforeEach/afterEach) and returns what runs the wrapper in it. */
export function useWrapperSandbox(): WrapperSandbox {
  let runtimeDir = "";
  beforeEach(() => {
    runtimeDir = join(mkdtempSync(join(tmpdir(), "wrapper-test-")), "credentials-sidecar");
    mkdirSync(runtimeDir, { mode: 0o700 });
  });
  afterEach(() => rmSync(dirname(runtimeDir), { recursive: true, force: true }));

  const sandbox: WrapperSandbox = {
    get runtimeDir() {
      return runtimeDir;
    },
    writeRuntimeFiles(files) {
      if (files.token !== undefined) writeFileSync(join(runtimeDir, "token"), files.token, { mode: 0o600 });
      if (files.rolesUrl !== undefined)
        writeFileSync(join(runtimeDir, "roles-url"), files.rolesUrl, { mode: 0o600 });
      if (files.defaultRole !== undefined)
        writeFileSync(join(runtimeDir, "default-role"), files.defaultRole, { mode: 0o600 });
    },
    run(shell, env, command = PRINT_ENV) {
      const [program = shell, ...shellArgs] = shell.split(" ");
      const result = spawnSync(program, [...shellArgs, wrapper, ...command], {
        encoding: "utf8",
        env: {
          PATH: process.env.PATH ?? "/usr/bin:/bin",
          CREDENTIALS_SIDECAR_RUNTIME_DIR: runtimeDir,
          ...env,
        },
      });
      return { ...result, output: `${result.stdout}${result.stderr}` };
    },
    runEnv(shell, env) {
      const result = sandbox.run(shell, env);
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      return JSON.parse(result.stdout).env;
    },
    runMarked(shell, env = EXECUTION_KEYS) {
      const marker = join(dirname(runtimeDir), "function-ran");
      const result = sandbox.run(shell, env, [
        process.execPath,
        "-e",
        `require("fs").writeFileSync(${JSON.stringify(marker)}, "")`,
      ]);
      return { ...result, ran: existsSync(marker) };
    },
  };
  return sandbox;
}
