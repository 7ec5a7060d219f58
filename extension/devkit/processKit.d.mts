// Types for processKit.mjs, so the CLI and the TypeScript tests import it (the project does not compile JS).
import type { ChildProcess } from "node:child_process";

export const NO_HOST_AWS: Readonly<Record<string, string>>;
export const PASSED_THROUGH: readonly string[];
export function cleanAwsEnv(
  extra?: Record<string, string | undefined>,
  from?: NodeJS.ProcessEnv,
): Record<string, string>;

export const LISTENING_EVENT: "listening";

export interface LogRecord {
  readonly timestamp?: string;
  readonly level?: string;
  readonly message?: string;
  readonly [field: string]: unknown;
}
export function listeningPort(records: readonly LogRecord[]): number | undefined;
export function parseLogRecord(line: string): LogRecord | undefined;
export function lineSplitter(onLine: (line: string) => void): {
  push(chunk: Buffer | string): void;
  end(): void;
};
export function portFromRuntimeDir(runtimeDir: string): number | undefined;

export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Milliseconds from spawn to the end of its output. */
  readonly afterMs: number;
  /** Set when it could not be started at all (e.g. ENOENT). */
  readonly error?: string;
}

export interface ProcessOptions {
  readonly command: string;
  readonly args?: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Own process group, so a terminal's Ctrl-C reaches only the parent. */
  readonly detached?: boolean;
  /** How it is called in errors; default: the command. */
  readonly name?: string;
  /** Every line of either stream, with its JSON record when it is one. */
  readonly onLine?: (line: string, record: LogRecord | undefined, stream: "stdout" | "stderr") => void;
  /** Raw output kept for output() (the first characters); default: all of it. */
  readonly maxOutputChars?: number;
}

export interface KitProcess<R extends LogRecord = LogRecord> {
  readonly child: ChildProcess;
  /** performance.now() at spawn. */
  readonly spawnedAt: number;
  /** Every JSON log record printed so far, in order. */
  readonly records: R[];
  /** Resolves once it ended and its output was read (never rejects). */
  readonly exited: Promise<ExitStatus>;
  exitStatus(): ExitStatus | undefined;
  /** Everything printed, raw, both streams. */
  output(): string;
  /** The first value `probe` gives, checked now and after every line; rejects on exit or after timeoutMs. */
  waitFor<T>(probe: () => T | undefined, what: string, timeoutMs: number): Promise<T>;
  /** The first record matching, waiting for it if need be (default 15 s). */
  waitForLog(match: (record: R) => boolean, timeoutMs?: number): Promise<R>;
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Resolves with the exit status; rejects after timeoutMs (default 15 s). */
  waitForExit(timeoutMs?: number): Promise<ExitStatus>;
  /** The port the extension's `listening` line reports. */
  waitForPort(timeoutMs?: number): Promise<number>;
  /** `ask` (default SIGTERM) unless it already ended, then SIGKILL after graceMs (default 3 s). */
  stop(options?: { graceMs?: number; ask?: () => void }): Promise<ExitStatus>;
  /** SIGKILL unless it already ended; resolves once it has. */
  kill(): Promise<ExitStatus>;
}

export function startProcess<R extends LogRecord = LogRecord>(options: ProcessOptions): KitProcess<R>;
