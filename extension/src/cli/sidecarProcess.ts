/**
 * The extension as a child process driven through the mock Runtime API, as Lambda would: wait for
 * `register` (or an early exit), INVOKE, SHUTDOWN, and the exit. Shared by `local` and `demo`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { EXTENSION_NAME } from "../lambda/extensionsApi.js";
import type { MockRuntimeApi } from "../local/mockRuntimeApi.js";
import { CliError } from "./io.js";
import { type LogRecord, lineSplitter, parseLogRecord } from "./logFormat.js";

export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface SidecarProcess {
  readonly child: ChildProcess;
  /** Every JSON log record printed so far, in order. */
  readonly records: readonly LogRecord[];
  readonly exited: Promise<ExitStatus>;
  /** Resolves once the extension registered; rejects with its output if it exited first. */
  registered(timeoutMs?: number): Promise<void>;
  /** INVOKE, then resolves once the extension handled it and waits for the next event. */
  invoke(payload?: unknown): Promise<{ requestId: string; runtimeResponse: Promise<unknown> | undefined }>;
  /** SHUTDOWN through the mock; SIGKILL if it has not exited within `timeoutMs`. */
  shutdown(timeoutMs?: number): Promise<ExitStatus & { afterMs: number }>;
  /** SIGKILL unless it already exited; resolves once it has (clean-up after a failure). */
  kill(): Promise<void>;
}

export interface SidecarOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly mock: MockRuntimeApi;
  /** Every line the extension prints on either stream (JSON records parsed when they are). */
  readonly onLine: (line: string, record: LogRecord | undefined) => void;
  /** Own process group, so a terminal's Ctrl-C reaches only the CLI, which then sends SHUTDOWN. */
  readonly detached?: boolean;
}

export function startSidecar(options: SidecarOptions): SidecarProcess {
  const { mock } = options;
  const child = spawn(options.command, [...options.args], {
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: options.detached ?? false,
  });
  const records: LogRecord[] = [];
  const tail: string[] = [];
  const take = (line: string) => {
    const record = parseLogRecord(line);
    if (record !== undefined) records.push(record);
    tail.push(line);
    if (tail.length > 5) tail.shift();
    options.onLine(line, record);
  };
  const stdout = lineSplitter(take);
  const stderr = lineSplitter(take);
  child.stdout?.on("data", (chunk: Buffer) => stdout.push(chunk));
  child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk));
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once("error", (error) => {
      take(`cannot start ${options.command}: ${error.message}`);
      resolve({ code: null, signal: null });
    });
    child.once("close", (code, signal) => {
      stdout.end();
      stderr.end();
      resolve({ code, signal });
    });
  });
  /** The reason the extension gave (its last error), not its whole log: callers show the log already. */
  const describeExit = (status: ExitStatus) => {
    const reason = [...records].reverse().find((record) => record.level === "error")?.message ?? tail.at(-1);
    const code = status.code ?? status.signal ?? "could not start";
    return `the extension exited (${code}) before it was ready${reason === undefined ? "" : `: ${reason}`}`;
  };
  /** Rejects as soon as the extension exits, so no wait outlives it. */
  const orExit = <T>(wait: Promise<T>): Promise<T> =>
    Promise.race([
      wait,
      exited.then((status) => {
        throw new CliError(describeExit(status));
      }),
    ]);

  return {
    child,
    records,
    exited,
    async registered(timeoutMs = 15_000) {
      await orExit(mock.waitForRegistered(EXTENSION_NAME, timeoutMs));
    },
    async invoke(payload) {
      const invocation = mock.invoke(payload);
      // The extension refreshes due roles on INVOKE (≤ 3 s) before it asks for the next event.
      await orExit(mock.waitForIdle(EXTENSION_NAME, 10_000));
      return invocation;
    },
    async shutdown(timeoutMs = 3000) {
      const startedAt = performance.now();
      mock.shutdown("spindown");
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      const status = await exited;
      clearTimeout(timer);
      return { ...status, afterMs: Math.round(performance.now() - startedAt) };
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}
