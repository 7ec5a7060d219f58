/**
 * The bundled extension (or the layer's launcher) as a process for the tests, on the process kit:
 * a clean AWS environment with its own HOME and runtime folder, and port 0 unless the test needs a
 * given one, so no other process can take its port before it binds it.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  cleanAwsEnv,
  type ExitStatus,
  type KitProcess,
  listeningPort,
  portFromRuntimeDir,
  startProcess,
} from "../../devkit/processKit.mjs";

export const REPO_ROOT = fileURLToPath(new URL("../../..", import.meta.url));
export const BUNDLE = join(REPO_ROOT, "dist", "extension.mjs");

export interface LogLine {
  readonly timestamp: string;
  readonly level: string;
  readonly message: string;
  readonly [field: string]: unknown;
}

export interface ExtensionProcess {
  readonly child: KitProcess["child"];
  /**
   * The port it listens on: from its `listening` line or its runtime files (written before
   * `register`, so known once the mock saw it register). Throws before either exists.
   */
  readonly port: number;
  readonly runtimeDir: string;
  /** Parsed JSON log lines so far. */
  readonly logs: LogLine[];
  /** Everything printed, raw, both streams: for "no secret in the output" assertions. */
  output(): string;
  /** Resolves with the first log line matching, waiting for it if need be. */
  waitForLog(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Resolves with the port from its `listening` line, waiting for it if need be. */
  waitForPort(timeoutMs?: number): Promise<number>;
  /** Resolves with the exit code (or signal) once the process ended. */
  exited(timeoutMs?: number): Promise<ExitStatus>;
  kill(): void;
}

export interface StartOptions {
  /** Environment of the extension process, on top of the clean one (undefined removes a variable). */
  readonly env: Record<string, string | undefined>;
  /** The executable and its arguments; default: this machine's node running the bundle. */
  readonly command?: readonly string[];
  /** Default 0: the extension binds any free port and reports it. */
  readonly port?: number;
}

/** Spawns the extension with a clean environment (no AWS_* from the machine leaks in). */
export async function startExtension(options: StartOptions): Promise<ExtensionProcess> {
  const tempRoot = mkdtempSync(join(tmpdir(), "sidecar-process-"));
  const runtimeDir = join(tempRoot, "run");
  const home = join(tempRoot, "home");
  mkdirSync(home);
  const env = cleanAwsEnv({
    HOME: home,
    CREDENTIALS_SIDECAR_PORT: String(options.port ?? 0),
    CREDENTIALS_SIDECAR_RUNTIME_DIR: runtimeDir,
    ...options.env,
  });
  const [command, ...args] = options.command ?? [process.execPath, BUNDLE];
  const extension = startProcess<LogLine>({ command: command as string, args, env, name: "the extension" });
  // Only HOME: tests inspect the runtime dir after exit (the extension must have cleaned it).
  void extension.exited.then(() => rmSync(home, { recursive: true, force: true }));
  let port: number | undefined;

  return {
    child: extension.child,
    get port() {
      port ??= listeningPort(extension.records) ?? portFromRuntimeDir(runtimeDir);
      if (port === undefined)
        throw new Error(`the extension has not reported its port yet\n${extension.output()}`);
      return port;
    },
    runtimeDir,
    logs: extension.records,
    output: extension.output,
    waitForLog: extension.waitForLog,
    waitForPort: async (timeoutMs) => {
      port ??= await extension.waitForPort(timeoutMs);
      return port;
    },
    exited: extension.waitForExit,
    kill: () => void extension.kill(),
  };
}

/**
 * For the one case a port must be known before the extension starts (a function configuration that
 * names it in AWS_CONTAINER_CREDENTIALS_FULL_URI): a port below the kernel's ephemeral range, which
 * it never hands out to a bind to port 0 or to an outgoing connection, so nothing else takes it before
 * the extension binds it. The search starts at an offset of this process's pid, so parallel test
 * files start apart, and skips ports that are in use.
 */
export async function portBelowEphemeralRange(): Promise<number> {
  const low = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
  const span = 4096;
  const first = Math.max(1024, low - span);
  for (let i = 0; i < span; i++) {
    const port = first + ((process.pid + i) % span);
    if (port < low && (await bindable(port))) return port;
  }
  throw new Error(`no free port from ${first} to ${low - 1}`);
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}
