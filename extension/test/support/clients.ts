/**
 * Runs the "function code" scripts (clients/whoami.py with boto3, clients/whoami.mjs with JS SDK v3) as
 * child processes with a clean environment: nothing AWS-related leaks from the test process.
 */
import { execFile, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { cleanAwsEnv } from "../../devkit/processKit.mjs";
import type { MotoEnvironment } from "./moto.js";

export type ClientKind = "python" | "node";
export const CLIENT_KINDS: readonly ClientKind[] = ["python", "node"];

/** One JSON line printed by a whoami script. Checks are "allowed" | `denied:${code}` | "skipped". */
export interface WhoamiResult {
  arn: string;
  account: string;
  dynamodb: string;
  s3: string;
}

export interface ClientRun {
  /** null when the process was killed by a signal (e.g. the timeout) */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface ClientOptions {
  /** default 30 s; the process is killed after it */
  timeoutMs?: number;
}

export const CLIENT_SCRIPTS: Readonly<Record<ClientKind, string>> = {
  python: fileURLToPath(new URL("./clients/whoami.py", import.meta.url)),
  node: fileURLToPath(new URL("./clients/whoami.mjs", import.meta.url)),
};

/**
 * The environment a client process gets: PATH and HOME (and pyenv's variables) from this process, the
 * caller's variables, and defaults that keep every SDK off the host's config: no shared config or
 * credentials files, no IMDS. If the caller sets AWS_REGION only, AWS_DEFAULT_REGION is set to it too
 * (as Lambda does; botocore reads only AWS_DEFAULT_REGION). Undefined values are dropped, so a caller
 * can remove a default by passing `undefined`.
 */
export function clientEnv(env: Record<string, string | undefined>): Record<string, string> {
  const region = env.AWS_REGION !== undefined && !("AWS_DEFAULT_REGION" in env) ? env.AWS_REGION : undefined;
  return cleanAwsEnv({ ...env, ...(region === undefined ? {} : { AWS_DEFAULT_REGION: region }) });
}

/**
 * Variables that point a whoami script at moto and turn on its checks (DynamoDB GetItem of the seeded
 * item, S3 GetObject of the seeded object). Add credentials (keys or AWS_CONTAINER_*) yourself.
 */
export function whoamiEnv(
  moto: MotoEnvironment,
  checks: { dynamodb?: boolean; s3?: boolean } = {},
): Record<string, string> {
  const env: Record<string, string> = { AWS_ENDPOINT_URL: moto.endpoint, AWS_REGION: moto.region };
  if (checks.dynamodb ?? true) {
    env.WHOAMI_TABLE = moto.tableName;
    env.WHOAMI_KEY_JSON = JSON.stringify(moto.itemKey);
  }
  if (checks.s3 ?? true) {
    env.WHOAMI_BUCKET = moto.bucketName;
    env.WHOAMI_OBJECT_KEY = moto.objectKey;
  }
  return env;
}

/** Runs a whoami script and reports how it ended, whatever the outcome. */
export function execClient(
  kind: ClientKind,
  env: Record<string, string | undefined>,
  options: ClientOptions = {},
): Promise<ClientRun> {
  const [command, args] =
    kind === "python" ? ["python3", [CLIENT_SCRIPTS.python]] : [process.execPath, [CLIENT_SCRIPTS.node]];
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { env: clientEnv(env), timeout: options.timeoutMs ?? 30_000, killSignal: "SIGKILL", cwd: "/" },
      (error, stdout, stderr) => {
        const exitCode = error === null ? 0 : typeof error.code === "number" ? error.code : null;
        const signal = error === null ? null : (error.signal ?? null);
        if (error !== null && exitCode === null && signal === null) {
          // spawn failure (e.g. python3 missing): report it like a failed run
          resolve({ exitCode: null, signal: null, stdout, stderr: `${stderr}${error.message}` });
          return;
        }
        resolve({ exitCode, signal, stdout, stderr });
      },
    );
  });
}

/** A whoami.mjs (JS SDK v3) that has loaded its SDK and asks nothing until go(). */
export interface GatedClient {
  /** Resolves once the SDK is loaded and the script waits (rejects if it ended first). */
  readonly ready: Promise<void>;
  /** Adds `env` to its environment and lets it run now. */
  go(env: Record<string, string>): void;
  readonly finished: Promise<ClientRun>;
  /** SIGKILL unless it ended (clean-up after a failure). */
  kill(): void;
}

/**
 * Starts whoami.mjs with WHOAMI_WAIT_FOR_GO: its start-up (node, the SDK's modules), which takes from
 * a fraction of a second to several on a loaded machine, is over before the test lets it ask.
 */
export function startGatedNodeClient(
  env: Record<string, string | undefined>,
  options: ClientOptions = {},
): GatedClient {
  const child = spawn(process.execPath, [CLIENT_SCRIPTS.node], {
    env: clientEnv({ ...env, WHOAMI_WAIT_FOR_GO: "1" }),
    cwd: "/",
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  let announce: (() => void) | undefined;
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 30_000);
  const finished = new Promise<ClientRun>((resolve) => {
    child.once("error", (error) => {
      stderr += error.message;
    });
    child.once("close", (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ exitCode, signal, stdout, stderr });
    });
  });
  const ready = new Promise<void>((resolve, reject) => {
    announce = resolve;
    void finished.then((run) => reject(new Error(`whoami.mjs ended before it was ready:\n${run.stderr}`)));
  });
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    if (stderr.includes("whoami: ready\n")) announce?.();
  });
  return {
    ready,
    go: (extra) => child.stdin.end(`${JSON.stringify(extra)}\n`),
    finished,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
}

/** Runs a whoami script and returns its JSON line; rejects with its stderr if it did not exit 0. */
export async function runClient(
  kind: ClientKind,
  env: Record<string, string | undefined>,
  options: ClientOptions = {},
): Promise<WhoamiResult> {
  const run = await execClient(kind, env, options);
  if (run.exitCode !== 0) {
    throw new Error(
      `${kind} client failed (exit ${run.exitCode}, signal ${run.signal}):\n${run.stderr}${run.stdout}`,
    );
  }
  const lines = run.stdout.trim().split("\n");
  const last = lines[lines.length - 1] ?? "";
  try {
    return JSON.parse(last) as WhoamiResult;
  } catch {
    throw new Error(`${kind} client printed no JSON line:\n${run.stdout}\n${run.stderr}`);
  }
}
