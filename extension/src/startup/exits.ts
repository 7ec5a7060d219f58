import type { ExtensionsApi } from "../lambda/extensionsApi.js";
import type { Logger } from "../platform/log.js";
import type { RuntimeFiles } from "./runtimeFiles.js";

/** Shutdown has 2 s in all, shared with the runtime. */
export const SHUTDOWN_BUDGET_MS = 1000;

/**
 * The one way out of the process, whatever ends it: a signal, SHUTDOWN, a failed start-up step, the
 * event loop failing, an uncaught exception. Each removes the runtime files (token, roles URL, default
 * role, and the wrapper's log-stream-name), so no wrapper finds a token of a sidecar that is gone, and
 * a failure is reported where Lambda shows it: `init/error` until init completed, `exit/error` after.
 */
export interface Exits {
  /** From now on every way out removes these files (and a plain `process.exit` too). */
  adoptFiles(files: RuntimeFiles): void;
  /** Run on an orderly stop, before the files go: stop timers, close the server. */
  onStop(closer: () => unknown): void;
  /** Init is over (the first `event/next` is next): failures are `exit/error` from now on. */
  initCompleted(): void;
  /** Reports the failure, removes the files and exits 1. */
  fail(errorType: string, message: string): Promise<never>;
  /** An orderly stop: closers, files removed, exit with `exitCode`. */
  stop(reason: string, exitCode: number): Promise<void>;
}

export interface ExitOptions {
  readonly log: Logger;
  readonly api: ExtensionsApi | undefined;
  /** The tests' stand-ins; the process's own by default. */
  readonly exit?: (code: number) => void;
  readonly processEvents?: Pick<NodeJS.Process, "on" | "once">;
}

export function handleExits({
  log,
  api,
  exit = (code) => process.exit(code),
  processEvents = process,
}: ExitOptions): Exits {
  let files: RuntimeFiles | undefined;
  const closers: (() => unknown)[] = [];
  let initDone = false;
  let leaving = false;
  const removeFiles = () => {
    try {
      files?.remove();
    } catch (error) {
      log.error("could not remove the runtime files", { event: "cleanup", error: (error as Error).message });
    }
    files = undefined;
  };

  const fail = async (errorType: string, message: string): Promise<never> => {
    if (!leaving) {
      leaving = true;
      // The files go first: whatever happens while reporting, no token stays for a wrapper to read.
      removeFiles();
      const phase = initDone ? "exit" : "init";
      log.error(message, { event: `${phase}-error`, errorType });
      console.error(`credentials-sidecar: ${message}`);
      if (api !== undefined) {
        try {
          if (initDone) await api.exitError(errorType, message);
          else {
            if (!api.registered) await api.register();
            await api.initError(errorType, message);
          }
        } catch (error) {
          log.error(`could not report the ${phase} error to the Runtime API`, {
            error: (error as Error).message,
          });
        }
      }
      exit(1);
    }
    // Never settles: the process is on its way out.
    return new Promise<never>(() => {});
  };

  const stop = async (reason: string, exitCode: number): Promise<void> => {
    if (leaving) return;
    leaving = true;
    log.info("credentials-sidecar stopping", { event: "stop", reason });
    const forced = setTimeout(() => {
      removeFiles();
      exit(exitCode);
    }, SHUTDOWN_BUDGET_MS);
    forced.unref();
    // Synchronous parts of every closer run before the files go; their promises may take longer.
    // Last registered, first closed: the server before the roles it serves, the port last.
    const closing = [...closers].reverse().map((close) => {
      try {
        return Promise.resolve(close()).catch(() => undefined);
      } catch {
        return undefined;
      }
    });
    removeFiles();
    await Promise.all(closing);
    exit(exitCode);
  };

  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
    // SIGHUP: `serve` in a terminal that closes stops cleanly, token removed.
    processEvents.once(signal, () => void stop(signal, 0));
  }
  processEvents.on("uncaughtException", (error: Error) => {
    void fail("Extension.Crashed", error.stack ?? String(error));
  });
  // The last resort: any exit at all (a process.exit deep in a library included) removes the files.
  processEvents.on("exit", removeFiles);

  return {
    adoptFiles: (written) => {
      files = written;
    },
    onStop: (closer) => {
      closers.push(closer);
    },
    initCompleted: () => {
      initDone = true;
    },
    fail,
    stop,
  };
}
