/**
 * The extension as a child process driven through the mock Runtime API, as Lambda would: wait for
 * `register` (or an early exit), INVOKE, SHUTDOWN, and the exit. Shared by `local` and `demo`; the
 * process itself (clean environment, lines, waits, stop) is the process kit's.
 */
import { EXTENSION_NAME } from "../../src/lambda/extensionsApi.js";
import type { InvokeOptions, MockRuntimeApi } from "../mockRuntimeApi/mockRuntimeApi.js";
import {
  type ExitStatus,
  type KitProcess,
  type LogRecord,
  portFromRuntimeDir,
  startProcess,
} from "../processKit.mjs";
import { CliError } from "./io.js";

export type { ExitStatus };

export interface SidecarProcess {
  readonly process: KitProcess;
  readonly exited: Promise<ExitStatus>;
  /** Resolves once the extension registered; rejects with its output if it exited first. */
  registered(timeoutMs?: number): Promise<void>;
  /** The port it listens on (from its runtime files: they are written before `register`). */
  port(): number;
  /** INVOKE, then resolves once the extension handled it and waits for the next event. */
  invoke(
    payload?: unknown,
    options?: InvokeOptions,
  ): Promise<{ requestId: string; runtimeResponse: Promise<unknown> | undefined }>;
  /** SHUTDOWN through the mock; SIGKILL if it has not exited within `timeoutMs`; `afterMs` counts from SHUTDOWN. */
  shutdown(timeoutMs?: number): Promise<ExitStatus>;
  /** SIGKILL unless it already exited; resolves once it has (clean-up after a failure). */
  kill(): Promise<void>;
}

export interface SidecarOptions {
  readonly command: string;
  readonly args: readonly string[];
  /** The whole environment (CREDENTIALS_SIDECAR_RUNTIME_DIR included). */
  readonly env: NodeJS.ProcessEnv;
  readonly runtimeDir: string;
  readonly mock: MockRuntimeApi;
  /** Every line the extension prints on either stream (JSON records parsed when they are). */
  readonly onLine: (line: string, record: LogRecord | undefined) => void;
  /** Own process group, so a terminal's Ctrl-C reaches only the CLI, which then sends SHUTDOWN. */
  readonly detached?: boolean;
}

export function startSidecar(options: SidecarOptions): SidecarProcess {
  const { mock } = options;
  const tail: string[] = [];
  const child = startProcess({
    command: options.command,
    args: options.args,
    env: options.env,
    name: "the extension",
    detached: options.detached ?? false,
    // `local` runs for hours: its output is shown as it comes, not kept.
    maxOutputChars: 0,
    onLine: (line, record) => {
      tail.push(line);
      if (tail.length > 5) tail.shift();
      options.onLine(line, record);
    },
  });
  /** The reason the extension gave (its last error), not its whole log: callers show the log already. */
  const describeExit = (status: ExitStatus) => {
    const reason =
      [...child.records].reverse().find((record) => record.level === "error")?.message ?? tail.at(-1);
    const code = status.code ?? status.signal ?? "could not start";
    return `the extension exited (${code}) before it was ready${reason === undefined ? "" : `: ${reason}`}`;
  };
  /** Rejects as soon as the extension exits, so no wait outlives it. */
  const orExit = <T>(wait: Promise<T>): Promise<T> =>
    Promise.race([
      wait,
      child.exited.then((status) => {
        throw new CliError(describeExit(status));
      }),
    ]);

  return {
    process: child,
    exited: child.exited,
    async registered(timeoutMs = 15_000) {
      await orExit(mock.waitForRegistered(EXTENSION_NAME, timeoutMs));
    },
    port() {
      const port = portFromRuntimeDir(options.runtimeDir);
      if (port === undefined) throw new CliError(`the extension wrote no roles-url in ${options.runtimeDir}`);
      return port;
    },
    async invoke(payload, invokeOptions) {
      const invocation = mock.invoke(payload, invokeOptions);
      // The extension refreshes due roles on INVOKE (≤ 3 s) before it asks for the next event.
      await orExit(mock.waitForIdle(EXTENSION_NAME, 10_000));
      return invocation;
    },
    async shutdown(timeoutMs = 3000) {
      const startedAt = performance.now();
      const status = await child.stop({ graceMs: timeoutMs, ask: () => mock.shutdown("spindown") });
      return { ...status, afterMs: Math.round(performance.now() - startedAt) };
    },
    async kill() {
      await child.kill();
    },
  };
}
