import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../../src/cli/freePort.js";

export { freePort };

export const REPO_ROOT = fileURLToPath(new URL("../../..", import.meta.url));
export const BUNDLE = join(REPO_ROOT, "dist", "extension.mjs");

export interface LogLine {
  readonly timestamp: string;
  readonly level: string;
  readonly message: string;
  readonly [field: string]: unknown;
}

export interface ExtensionProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly runtimeDir: string;
  /** Parsed JSON log lines so far (stdout). */
  readonly logs: LogLine[];
  /** Everything printed, raw, both streams: for "no secret in the output" assertions. */
  output(): string;
  /** Resolves with the first log line matching, waiting for it if need be. */
  waitForLog(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Resolves with the exit code (or signal) once the process ended. */
  exited(
    timeoutMs?: number,
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null; afterMs: number }>;
  kill(): void;
}

export interface StartOptions {
  /** Environment of the extension process, on top of PATH/HOME and the test defaults. */
  readonly env: Record<string, string | undefined>;
  /** The executable and its arguments; default: this machine's node running the bundle. */
  readonly command?: readonly string[];
  readonly port?: number;
}

/** Spawns the extension with a clean environment (no AWS_* from the machine leaks in). */
export async function startExtension(options: StartOptions): Promise<ExtensionProcess> {
  const port = options.port ?? (await freePort());
  const tempRoot = mkdtempSync(join(tmpdir(), "sidecar-process-"));
  const runtimeDir = join(tempRoot, "run");
  mkdirSync(join(tempRoot, "home"));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: join(tempRoot, "home"),
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_CONFIG_FILE: "/nonexistent/config",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/credentials",
    CREDENTIALS_SIDECAR_PORT: String(port),
    CREDENTIALS_SIDECAR_RUNTIME_DIR: runtimeDir,
  };
  for (const [key, value] of Object.entries(options.env)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  const [command, ...args] = options.command ?? [process.execPath, BUNDLE];
  const startedAt = Date.now();
  const child = spawn(command as string, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  const logs: LogLine[] = [];
  let raw = "";
  let pending = "";
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const listener of listeners) listener();
  };
  child.stdout?.on("data", (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    raw += text;
    pending += text;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as LogLine);
      } catch {
        // Not a log line (a stray print): kept in raw output only.
      }
    }
    notify();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    raw += chunk.toString("utf8");
  });
  let exit: { code: number | null; signal: NodeJS.Signals | null; afterMs: number } | undefined;
  child.on("exit", (code, signal) => {
    exit = { code, signal, afterMs: Date.now() - startedAt };
    // Only HOME: tests inspect the runtime dir after exit (the extension must have cleaned it).
    rmSync(join(tempRoot, "home"), { recursive: true, force: true });
    notify();
  });

  const waitUntil = <T>(probe: () => T | undefined, what: string, timeoutMs: number): Promise<T> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const value = probe();
        if (value !== undefined) {
          cleanup();
          resolve(value);
        } else if (exit !== undefined && what !== "exit") {
          cleanup();
          reject(
            new Error(`extension exited (${exit.code ?? exit.signal}) while waiting for ${what}\n${raw}`),
          );
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${raw}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });

  return {
    child,
    port,
    runtimeDir,
    logs,
    output: () => raw,
    waitForLog: (match, timeoutMs = 15_000) => waitUntil(() => logs.find(match), "a log line", timeoutMs),
    exited: (timeoutMs = 15_000) => waitUntil(() => exit, "exit", timeoutMs),
    kill: () => {
      if (exit === undefined) child.kill("SIGKILL");
    },
  };
}
