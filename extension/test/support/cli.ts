/**
 * The bundled CLI (dist/cli.mjs, `make build`) as the tests run it: a work directory per test file
 * (its HOME, TMPDIR and working directory), a clean AWS environment, runs to the end with their exit
 * code and output, the export lines it prints, and an STS for tests where STS must not answer.
 */
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { cleanAwsEnv } from "../../devkit/processKit.mjs";
import { REPO_ROOT } from "./extensionProcess.js";

export const CLI = join(REPO_ROOT, "dist", "cli.mjs");

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A fresh directory for this test file, removed after it; its tests fail at once without the CLI. */
export function cliWorkDirPerFile(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`make build\` first`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The CLI's environment: nothing AWS-related from the test machine, HOME `home`, temp files in `tmp`. */
export function cliEnv(
  home: string,
  tmp = home,
  extra: Record<string, string | undefined> = {},
): NodeJS.ProcessEnv {
  return cleanAwsEnv({ HOME: home, TMPDIR: tmp, ...extra });
}

/** Runs the CLI to its end in `home` (killed after `timeoutMs`, 30 s unless given). */
export function runCli(
  args: string[],
  options: { home: string; tmp?: string; timeoutMs?: number; env?: Record<string, string | undefined> },
): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      {
        env: cliEnv(options.home, options.tmp, options.env),
        timeout: options.timeoutMs ?? 30_000,
        cwd: options.home,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : null;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Writes `text` to `dir/name` and returns the path. */
export function writeFileIn(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** `export NAME=value` lines (values are unquoted or single-quoted) into a map; `unset` names listed. */
export function parseExports(text: string): { set: Record<string, string>; unset: string[] } {
  const set: Record<string, string> = {};
  const unset: string[] = [];
  for (const line of text.split("\n")) {
    const exported = /^export ([A-Z_]+)=('(?:[^']|'\\'')*'|\S+)/.exec(line);
    if (exported?.[1] !== undefined && exported[2] !== undefined) {
      const raw = exported[2];
      set[exported[1]] = raw.startsWith("'") ? raw.slice(1, -1).replaceAll("'\\''", "'") : raw;
    }
    const removed = /^unset (.+)$/.exec(line);
    if (removed?.[1] !== undefined) unset.push(...removed[1].split(" "));
  }
  return { set, unset };
}

export interface DeadEndSts {
  /** An http:// URL on a port this process holds, for AWS_ENDPOINT_URL_STS. */
  readonly endpoint: string;
  close(): Promise<void>;
}

/**
 * STS for tests where it must not answer: a listener on a port of its own (bound to 0, so no other
 * process holds it) that closes every connection at once, as unreachable for an SDK as a refused port.
 */
export async function startDeadEndSts(): Promise<DeadEndSts> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    socket.on("error", () => undefined);
    socket.destroy();
  });
  server.on("connection", (socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Whether `name` is a command on PATH. */
export function hasCommand(name: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
