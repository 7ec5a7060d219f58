import { type FSWatcher, rmSync, watch } from "node:fs";
import { join } from "node:path";
import { readRegularFile } from "../platform/readRegularFile.js";
import { ENV, readEnv } from "../startup/env.js";

/**
 * The function's log stream name, as the layer's wrapper reports it. Extensions cannot read
 * AWS_LAMBDA_LOG_STREAM_NAME; the runtime, and so the wrapper, can. The wrapper writes it with a
 * newline to this file in the runtime folder before it starts the runtime.
 */
export const LOG_STREAM_FILE = "log-stream-name";
/**
 * How long the first AssumeRole waits for the report: the wrapper runs as soon as `register` is
 * answered, and first credentials must not be late by more than 20 ms for it.
 */
export const LOG_STREAM_WAIT_MS = 15;
/** Longer than any log stream name Lambda makes (`YYYY/MM/DD/[version]` + 32 hex); more is not one. */
const MAX_BYTES = 512;

export interface LogStreamWatch {
  /** Whether the name has been reported. */
  reported(): boolean;
  /** Resolves true once the name is reported, false after `ms` without it. */
  reportedWithin(ms: number): Promise<boolean>;
  /** Stops watching and removes the report. */
  close(): void;
}

/** The wrapper reports the log stream only where it is the function's exec wrapper. */
export function reportsLogStream(env: NodeJS.ProcessEnv): boolean {
  return readEnv(env, ENV.execWrapper)?.endsWith("/credentials-sidecar/wrapper") === true;
}

/**
 * Watches `directory` for the wrapper's report, calling `onReport` once with the name. The file is
 * written by one `printf` (one write), so a read sees nothing or everything; the newline tells.
 * The file is looked for at once; a watch, where it is not there yet, is set up once `watchFrom`
 * resolves (start-up passes a later moment where nothing waits for the report: node's watchers and
 * an inotify handle cost most of a millisecond).
 */
export function watchLogStreamReport(
  directory: string,
  onReport: (name: string) => void,
  watchFolder: typeof watch = watch,
  watchFrom?: Promise<unknown>,
): LogStreamWatch {
  let watcher: FSWatcher | undefined;
  let done = false;
  let found = false;
  let resolveReported: () => void = () => {};
  const reported = new Promise<void>((resolve) => {
    resolveReported = resolve;
  });
  const stop = () => {
    done = true;
    watcher?.close();
    watcher = undefined;
  };
  const check = () => {
    if (done) return;
    const name = readReport(join(directory, LOG_STREAM_FILE));
    if (name === undefined) return;
    stop();
    found = true;
    onReport(name);
    resolveReported();
  };
  const startWatching = () => {
    if (done) return;
    try {
      // Watch, then look again: a report written in between is not missed.
      watcher = watchFolder(directory, { persistent: false }, (_event, file) => {
        if (file === null || file === LOG_STREAM_FILE) check();
      });
      watcher.on("error", stop);
    } catch {
      // No inotify (or the folder went away): the sidecar's own id stays, as without the wrapper.
    }
    check();
  };
  // Usually the wrapper has reported by the time start-up looks: then no watch is set up at all
  // (node's watchers and an inotify handle cost most of a millisecond of the first AssumeRole's wait).
  check();
  if (watchFrom === undefined) startWatching();
  else void watchFrom.then(startWatching, () => undefined);
  return {
    reported: () => found,
    reportedWithin: (ms) => {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), ms);
      });
      return Promise.race([reported.then(() => true), timedOut]).finally(() => clearTimeout(timer));
    },
    close: () => {
      stop();
      try {
        rmSync(join(directory, LOG_STREAM_FILE), { force: true });
      } catch {
        // A folder under the name: not the wrapper's report, and not ours to remove.
      }
    },
  };
}

/**
 * The reported name, or undefined while the file is absent, partial or not a log stream name. It is
 * read from an inotify callback on the event loop: whatever else appears under the name (a FIFO, a
 * device, a folder, a link, a huge file) is passed over without blocking or reading on, and the
 * watch goes on for the wrapper's real report.
 */
export function readReport(path: string): string | undefined {
  let text: string;
  try {
    text = readRegularFile(path, MAX_BYTES, { followLinks: false }).toString("utf8");
  } catch {
    return undefined;
  }
  if (!text.endsWith("\n")) return undefined;
  const name = text.slice(0, -1);
  return /^[\x21-\x7e]{1,500}$/.test(name) ? name : undefined;
}
