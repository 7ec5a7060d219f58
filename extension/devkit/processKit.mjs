// The one process kit of the dev kit, the tests and the bench: spawn with a clean AWS environment,
// split output into lines and JSON log records, wait for a record (bounded, and never past the
// process's exit), read the port the extension reported, stop with SIGTERM then SIGKILL.
// Plain JavaScript (types in processKit.d.mts) because the bench runs on plain node, while the CLI
// (bundled by esbuild) and the tests (vitest) import it as it is: one copy for all three.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * What keeps an AWS SDK in a child process off this machine's own credentials: no shared config or
 * credentials files, no instance metadata. Keys, if any, come from the caller.
 */
export const NO_HOST_AWS = Object.freeze({
  AWS_CONFIG_FILE: "/nonexistent/aws-config",
  AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/aws-credentials",
  AWS_EC2_METADATA_DISABLED: "true",
  // The machine's node may be older than the JS SDK likes; its warning is noise in every output.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
});

/** Variables taken from this process: nothing AWS-related, only what programs need to run. */
export const PASSED_THROUGH = Object.freeze([
  "PATH",
  "HOME",
  "LANG",
  "TMPDIR",
  "PYENV_ROOT",
  "PYENV_VERSION",
]);

/**
 * The clean environment of a child process: PASSED_THROUGH from `from`, NO_HOST_AWS, then `extra`
 * (an undefined value removes a variable). Nothing else of this process leaks in.
 */
export function cleanAwsEnv(extra = {}, from = process.env) {
  const env = {};
  for (const name of PASSED_THROUGH) if (from[name] !== undefined) env[name] = from[name];
  Object.assign(env, NO_HOST_AWS);
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/** The log line the extension prints once its port is bound and its runtime files are written. */
export const LISTENING_EVENT = "listening";

/** The port the extension's `listening` record reports, or undefined before it printed one. */
export function listeningPort(records) {
  return records.find((record) => record.event === LISTENING_EVENT)?.port;
}

/** A JSON log record, or undefined for any other line. */
export function parseLogRecord(line) {
  if (!line.startsWith("{")) return undefined;
  try {
    const value = JSON.parse(line);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Splits a byte stream into lines, keeping the unfinished tail for the next chunk. */
export function lineSplitter(onLine) {
  let pending = "";
  return {
    push(chunk) {
      pending += chunk.toString();
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) if (line !== "") onLine(line);
    },
    end() {
      if (pending !== "") onLine(pending);
      pending = "";
    },
  };
}

/** The port in `<runtimeDir>/roles-url` (http://127.0.0.1:PORT/roles/), or undefined before it exists. */
export function portFromRuntimeDir(runtimeDir) {
  try {
    const match = /^http:\/\/127\.0\.0\.1:(\d+)\//.exec(readFileSync(join(runtimeDir, "roles-url"), "utf8"));
    return match === null ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
}

// Children still running when this process exits are killed with it (a failed test, a crashed CLI).
const running = new Set();
let exitHookInstalled = false;
function killOnExit(child) {
  running.add(child);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const each of running) each.kill("SIGKILL");
  });
}

/**
 * Spawns `command` and follows it. Every line of both streams goes to `onLine` (with its JSON record
 * when it is one); records are kept in order, raw output up to `maxOutputChars` (the first ones).
 */
export function startProcess(options) {
  const name = options.name ?? options.command;
  const spawnedAt = performance.now();
  const child = spawn(options.command, [...(options.args ?? [])], {
    env: options.env,
    cwd: options.cwd,
    stdio: ["ignore", "pipe", "pipe"],
    detached: options.detached ?? false,
  });
  killOnExit(child);
  const maxOutputChars = options.maxOutputChars ?? Number.POSITIVE_INFINITY;
  const records = [];
  let output = "";
  let exit;
  const listeners = new Set();
  const notify = () => {
    for (const listener of [...listeners]) listener();
  };
  const take = (line, stream) => {
    const record = parseLogRecord(line);
    if (record !== undefined) records.push(record);
    options.onLine?.(line, record, stream);
    notify();
  };
  const keep = (chunk) => {
    if (output.length < maxOutputChars) output += chunk.toString();
  };
  const stdout = lineSplitter((line) => take(line, "stdout"));
  const stderr = lineSplitter((line) => take(line, "stderr"));
  child.stdout.on("data", (chunk) => {
    keep(chunk);
    stdout.push(chunk);
  });
  child.stderr.on("data", (chunk) => {
    keep(chunk);
    stderr.push(chunk);
  });
  const exited = new Promise((resolve) => {
    const done = (status) => {
      if (exit !== undefined) return;
      running.delete(child);
      stdout.end();
      stderr.end();
      exit = { ...status, afterMs: Math.round(performance.now() - spawnedAt) };
      resolve(exit);
      notify();
    };
    child.once("error", (error) => {
      take(`cannot start ${name}: ${error.message}`, "stderr");
      done({ code: null, signal: null, error: error.message });
    });
    // `close`, not `exit`: every line the process printed has been read by then.
    child.once("close", (code, signal) => done({ code, signal }));
  });

  /** Resolves with the first value `probe` gives, checked now and on every line; bounded. */
  const waitFor = (probe, what, timeoutMs) =>
    new Promise((resolve, reject) => {
      const check = () => {
        const value = probe();
        if (value !== undefined) {
          cleanup();
          resolve(value);
        } else if (exit !== undefined) {
          cleanup();
          reject(
            new Error(`${name} exited (${exit.code ?? exit.signal}) while waiting for ${what}\n${output}`),
          );
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} from ${name}\n${output}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      check();
    });

  const alive = () => exit === undefined && child.exitCode === null && child.signalCode === null;
  const stop = async ({ graceMs = 3000, ask } = {}) => {
    if (alive()) {
      if (ask === undefined) child.kill("SIGTERM");
      else ask();
    }
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    const status = await exited;
    clearTimeout(timer);
    return status;
  };

  return {
    child,
    spawnedAt,
    records,
    exited,
    exitStatus: () => exit,
    output: () => output,
    waitFor,
    waitForLog: (match, timeoutMs = 15_000) => waitFor(() => records.find(match), "a log line", timeoutMs),
    waitForOutput: (pattern, timeoutMs = 15_000) =>
      waitFor(() => pattern.exec(output) ?? undefined, `output matching ${pattern}`, timeoutMs),
    waitForExit: (timeoutMs = 15_000) => waitFor(() => exit, "its exit", timeoutMs),
    waitForPort: (timeoutMs = 15_000) =>
      waitFor(() => listeningPort(records), `its "${LISTENING_EVENT}" line`, timeoutMs),
    stop,
    kill: () => {
      if (alive()) child.kill("SIGKILL");
      return exited;
    },
  };
}
