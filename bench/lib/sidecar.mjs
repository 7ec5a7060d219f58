// Spawns the layer's launcher as Lambda would (clean environment, stdout drained like the
// platform's log pipe; the process kit's) against a Runtime API and an STS stand-in, and talks to it.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cleanAwsEnv, startProcess } from "../../extension/devkit/processKit.mjs";

export const ROLE_ARN = "arn:aws:iam::123456789012:role/bench";
export const ROLE = "default";

/**
 * The sidecar's environment as Lambda gives it, clean of this machine's AWS settings (the process
 * kit's cleanAwsEnv), before the per-run HOME, runtime folder and Runtime API. The Python timer
 * (bench/lambda_timer.py) gets it in its plan, so both start the sidecar alike. `extra` goes on top
 * (an undefined value removes a variable).
 * @param {{ sts: { endpoint: string, base: { accessKeyId: string, secretAccessKey: string } }, roleArn?: string }} options
 * @param {Record<string, string | undefined>} [extra]
 */
export function sidecarEnv({ sts, roleArn = ROLE_ARN }, extra = {}) {
  return cleanAwsEnv({
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: sts.base.accessKeyId,
    AWS_SECRET_ACCESS_KEY: sts.base.secretAccessKey,
    AWS_ENDPOINT_URL_STS: sts.endpoint,
    AWS_LAMBDA_FUNCTION_NAME: "bench",
    AWS_LAMBDA_FUNCTION_VERSION: "1",
    CREDENTIALS_SIDECAR_ROLE_ARN: roleArn,
    // Any free port, reported on its `listening` line (and in roles-url): nothing can take it before
    // the sidecar binds it.
    CREDENTIALS_SIDECAR_PORT: "0",
    ...extra,
  });
}

/**
 * @param {{ launcher: string, runtimeApi?: string, sts: { endpoint: string, base: { accessKeyId: string, secretAccessKey: string } },
 *   env?: Record<string, string> }} options
 */
export function spawnSidecar(options) {
  const scratch = mkdtempSync(join(tmpdir(), "sidecar-bench-run-"));
  const runtimeDir = join(scratch, "run");
  const env = sidecarEnv(
    { sts: options.sts },
    {
      HOME: scratch,
      CREDENTIALS_SIDECAR_RUNTIME_DIR: runtimeDir,
      AWS_LAMBDA_RUNTIME_API: options.runtimeApi,
      ...options.env,
    },
  );
  const sidecar = startProcess({
    command: options.launcher,
    env,
    name: "the sidecar",
    maxOutputChars: 200_000,
  });
  const tokenPath = join(runtimeDir, "token");
  let port;
  return {
    child: sidecar.child,
    spawnedAt: sidecar.spawnedAt,
    runtimeDir,
    exited: sidecar.exited,
    output: sidecar.output,
    /** its JSON log records so far, in order (the process kit's) */
    records: sidecar.records,
    /** Known once filesReady() resolved. */
    get port() {
      if (port === undefined) throw new Error("the sidecar's port is read by filesReady() first");
      return port;
    },
    /**
     * Resolves (with the time) at its `listening` line, printed once the port is bound and the
     * runtime files, the wrapper's readiness signal, are written.
     */
    async filesReady(timeoutMs = 10_000) {
      port = await sidecar.waitForPort(timeoutMs);
      return performance.now();
    },
    token: () => readFileSync(tokenPath, "utf8"),
    /** `ask` it to stop (e.g. SHUTDOWN through the Runtime API), SIGKILL after graceMs. */
    stopWith: (ask, graceMs) => sidecar.stop({ ask, graceMs }),
    async stop() {
      await sidecar.kill();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/** One GET, no keep-alive: resolves with status, body and the time the answer was complete. */
export function getOnce(port, path, token) {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path,
        headers: token === undefined ? {} : { authorization: token },
        agent: false,
      },
      (res) => {
        const chunks = [];
        res.on("data", (chunk) => chunks.push(chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString(), at: performance.now() }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** Asks for the role's credentials until they come (a 503 means the first AssumeRole is still in flight). */
export async function firstCredentials(sidecar, role = ROLE, timeoutMs = 10_000) {
  const token = sidecar.token();
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const response = await getOnce(sidecar.port, `/roles/${role}`, token);
    if (response.status === 200) return response;
    if (performance.now() > deadline || response.status !== 503)
      throw new Error(`credentials answered ${response.status}: ${response.body}`);
  }
}

/**
 * CPU time (ms) a process has used so far, from /proc (nanoseconds): `main` is its main thread,
 * `all` adds V8's and libuv's helper threads.
 */
export function cpuMsOf(pid) {
  const read = (task) =>
    Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, "utf8").split(" ")[0]) / 1e6;
  try {
    let all = 0;
    for (const task of readdirSync(`/proc/${pid}/task`)) all += read(task);
    return { main: read(String(pid)), all };
  } catch {
    return { main: Number.NaN, all: Number.NaN };
  }
}

/**
 * A sidecar that registered and served its first credentials, waiting for events like an idle
 * Lambda environment. `stop()` sends SHUTDOWN and waits for a clean exit.
 */
export async function startRegisteredSidecar({ launcher, sts, env, startTimingRuntime }) {
  const runtime = await startTimingRuntime();
  const sidecar = spawnSidecar({ launcher, sts, runtimeApi: runtime.address, env });
  await runtime.registered;
  await sidecar.filesReady();
  const first = await firstCredentials(sidecar);
  return {
    sidecar,
    runtime,
    token: sidecar.token(),
    body: first.body,
    async stop() {
      const exit = await sidecar.stopWith(() => runtime.shutdown(), 5000);
      await sidecar.stop();
      await runtime.close();
      return exit;
    },
  };
}

/** Peak and current resident memory (kB → MiB) of a process, from /proc/<pid>/status. */
export function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN) / 1024;
  return {
    peakMiB: field("VmHWM"),
    rssMiB: field("VmRSS"),
    anonMiB: field("RssAnon"),
    fileMiB: field("RssFile"),
  };
}
