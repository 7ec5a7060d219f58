/**
 * The built layer on Lambda Managed Instances, as the mock Runtime API plays it: registering for
 * INVOKE is refused there, no INVOKE ever comes, the environment is never frozen, and the runtime's
 * many worker processes ask for credentials at once. The extension starts from the unzipped layer's
 * launcher (its own node); the STS stand-in counts AssumeRole calls and throttles on demand.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type MockRuntimeApi,
  startMockRuntimeApi,
} from "../../extension/devkit/mockRuntimeApi/mockRuntimeApi.js";
import {
  type StsFault,
  type StsStandIn,
  startStsStandIn,
} from "../../extension/devkit/stsStandIn/stsStandIn.js";
import { clientEnv } from "../../extension/test/support/clients.js";
import { type ExtensionProcess, startExtension } from "../../extension/test/support/extensionProcess.js";
import { extractLayer, lastJsonLine, layerEntries, runFunction } from "./support/layer.js";

const EXTENSION = "credentials-sidecar";
const FUNCTION_NAME = "orders-worker";
const ROLE_ARN = "arn:aws:iam::123456789012:role/reader";
const BURST_CLIENTS = fileURLToPath(new URL("./support/burst-clients.mjs", import.meta.url));
/** 64 clients in all: four runtime processes of 16 workers each (Python's count for one vCPU). */
const PROCESSES = 4;
const CLIENTS_PER_PROCESS = 16;
const REQUESTS_PER_CLIENT = 20;

let work: string;
let opt: string;
/** Everything one test started, stopped after it. */
let running: { runtime: MockRuntimeApi; sts: StsStandIn; sidecar: ExtensionProcess } | undefined;

interface Started {
  readonly runtime: MockRuntimeApi;
  readonly sts: StsStandIn;
  readonly sidecar: ExtensionProcess;
  /** What Lambda gives every process in the sandbox, extension and runtime alike. */
  readonly sandboxEnv: Record<string, string>;
}

/** A Managed Instances sandbox: mock in that mode, the stand-in, the layer's extension registered. */
async function startManaged(
  options: {
    fault?: StsFault;
    latencyMs?: number;
    env?: Record<string, string | undefined>;
    /** Limit on the extension's open files (`ulimit -n`), as a crowded environment might reach. */
    openFiles?: number;
  } = {},
): Promise<Started> {
  const runtime = await startMockRuntimeApi({ functionName: FUNCTION_NAME, managedInstances: true });
  const sts = await startStsStandIn({ latencyMs: options.latencyMs ?? 0 });
  if (options.fault !== undefined) await sts.setFault(options.fault);
  const sandboxEnv = {
    AWS_LAMBDA_RUNTIME_API: runtime.address,
    AWS_LAMBDA_FUNCTION_NAME: FUNCTION_NAME,
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_LAMBDA_INITIALIZATION_TYPE: runtime.initializationType,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: sts.base.accessKeyId,
    AWS_SECRET_ACCESS_KEY: sts.base.secretAccessKey,
  };
  const launcher = join(opt, "extensions", EXTENSION);
  const sidecar = await startExtension({
    command:
      options.openFiles === undefined
        ? [launcher]
        : ["sh", "-c", `ulimit -n ${options.openFiles} && exec "$0"`, launcher],
    env: {
      ...sandboxEnv,
      AWS_ENDPOINT_URL_STS: sts.endpoint, // the stand-in plays STS; a real function would not set this
      CREDENTIALS_SIDECAR_ROLE_ARN: ROLE_ARN,
      ...options.env,
    },
  });
  running = { runtime, sts, sidecar };
  try {
    await runtime.waitForRegistered(EXTENSION);
  } catch (error) {
    throw new Error(`${(error as Error).message}\nextension output:\n${sidecar.output()}`);
  }
  return { runtime, sts, sidecar, sandboxEnv };
}

/** SHUTDOWN as Lambda sends it when it retires the environment; the exit and how long it took. */
async function shutDown(started: Started) {
  const at = Date.now();
  started.runtime.shutdown("spindown");
  const exit = await started.sidecar.exited(5_000);
  return { ...exit, shutdownMs: Date.now() - at };
}

// The layer's node is a Linux binary: like the other layer tests, this runs only on Linux.
describe.runIf(process.platform === "linux")("the layer on Lambda Managed Instances", () => {
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "layer-managed-"));
    opt = extractLayer((await layerEntries(work)).entries, join(work, "opt"));
  });

  afterEach(async () => {
    if (running === undefined) return;
    const { runtime, sts, sidecar } = running;
    running = undefined;
    sidecar.kill();
    await sidecar.exited(5_000).catch(() => undefined);
    await Promise.all([runtime.close(), sts.close()]);
    rmSync(dirname(sidecar.runtimeDir), { recursive: true, force: true });
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it.each([
    ["AWS_LAMBDA_INITIALIZATION_TYPE says so", {}, 0],
    ["the variable is missing: after Lambda's refusal", { AWS_LAMBDA_INITIALIZATION_TYPE: undefined }, 1],
  ])(
    "registers for SHUTDOWN only (%s), serves, and exits 0 within 2 s on SHUTDOWN",
    async (_case, env, refusals) => {
      // Prepare
      const started = await startManaged({ env });
      const { runtime, sidecar } = started;

      // Act
      const registration = await runtime.waitForRegistered(EXTENSION);
      const logged = await sidecar.waitForLog((line) => line.event === "registered");
      await sidecar.waitForLog((line) => line.event === "assumed");
      await runtime.waitForIdle(EXTENSION);
      const exit = await shutDown(started);

      // Assess
      expect(registration.events).toEqual(["SHUTDOWN"]);
      expect(logged.events).toBe("SHUTDOWN");
      expect(runtime.refusedRegistrations).toHaveLength(refusals);
      expect(runtime.errors).toEqual([]);
      expect(exit.code).toBe(0);
      expect(exit.shutdownMs).toBeLessThan(2_000);
      expect(sidecar.logs.at(-1)).toMatchObject({ event: "stop", reason: "SHUTDOWN (spindown)" });
    },
  );

  it(`serves ${PROCESSES * CLIENTS_PER_PROCESS} concurrent clients × ${REQUESTS_PER_CLIENT} requests from one AssumeRole`, async () => {
    // Prepare: STS answers slowly, so the burst arrives while the first AssumeRole is in flight
    const started = await startManaged({
      latencyMs: 400,
      env: { CREDENTIALS_SIDECAR_METRICS: "emf" },
    });
    const { sts, sidecar, sandboxEnv } = started;
    const wrapper = join(opt, "credentials-sidecar", "wrapper");
    const env = clientEnv({ ...sandboxEnv, CREDENTIALS_SIDECAR_RUNTIME_DIR: sidecar.runtimeDir });

    // Act: the runtime's worker processes, started through the layer's wrapper right after register
    const runs = await Promise.all(
      Array.from({ length: PROCESSES }, () =>
        runFunction(
          [process.execPath, BURST_CLIENTS, String(CLIENTS_PER_PROCESS), String(REQUESTS_PER_CLIENT)],
          env,
          wrapper,
        ),
      ),
    );
    const results = runs.map((run) =>
      lastJsonLine<{ served: number; failed: number; keys: string[]; errors: string[] }>(run),
    );
    const exit = await shutDown(started);

    // Assess: every request served the same credentials, from a single AssumeRole
    const total = PROCESSES * CLIENTS_PER_PROCESS * REQUESTS_PER_CLIENT;
    expect(results.flatMap((result) => result.errors)).toEqual([]);
    expect(results.reduce((sum, result) => sum + result.served, 0)).toBe(total);
    expect(new Set(results.flatMap((result) => result.keys)).size).toBe(1);
    expect(sts.calls("AssumeRole")).toBe(1);
    // No INVOKE flushes the counts on Managed Instances: SHUTDOWN (or the minute timer) writes them.
    const served = sidecar.logs
      .map((line) => line.CredentialsServed)
      .filter((count): count is number => typeof count === "number");
    expect(served.reduce((sum, count) => sum + count, 0)).toBe(total);
    expect(exit.code).toBe(0);
    expect(sidecar.logs.filter((line) => line.level === "error")).toEqual([]);
  });

  it("survives a flood of connections beyond its open-file limit, then serves again", async () => {
    // Prepare: 256 open files, the credentials ready
    const started = await startManaged({ openFiles: 256 });
    const { runtime, sidecar } = started;
    await runtime.waitForIdle(EXTENSION);
    const pid = sidecar.child.pid as number;
    const token = readFileSync(join(sidecar.runtimeDir, "token"), "utf8");

    // Act: 600 connections held open by the runtime's workers, more than it can accept. Out of file
    // descriptors, node's accept loop (libuv's EMFILE trick) accepts and at once closes the pending
    // connections: the first flood socket the sidecar closes is the sign it reached its limit.
    let shedOne: () => void = () => undefined;
    const shed = new Promise<void>((resolve) => {
      shedOne = resolve;
    });
    const flood = Array.from({ length: 600 }, () => {
      const socket = connect(sidecar.port, "127.0.0.1");
      socket.on("error", () => undefined);
      socket.on("close", () => shedOne());
      return socket;
    });
    await withTimeout(shed, 10_000, "the sidecar to close a connection it could not keep");
    const openFiles = readdirSync(`/proc/${pid}/fd`).length;
    for (const socket of flood) socket.destroy();
    const answer = await untilServed(sidecar.port, token, 10_000);
    const exit = await shutDown(started);

    // Assess
    expect(openFiles).toBeGreaterThanOrEqual(250); // at its limit of 256 when it shed the connection
    expect(answer.status).toBe(200);
    expect(exit.code).toBe(0);
    expect(runtime.errors).toEqual([]);
  });

  it("with 2,000 idle connections under ulimit -n 1024, serves a new request within 1 s and completes in-flight ones", async () => {
    // Prepare: Lambda's 1,024 open files, the credentials ready; this process can hold the flood
    expect(openFileLimit("self")).toBeGreaterThan(IDLE_FLOOD + 200);
    const started = await startManaged({ openFiles: 1024 });
    const { runtime, sidecar } = started;
    await runtime.waitForIdle(EXTENSION);
    const pid = sidecar.child.pid as number;
    expect(openFileLimit(pid)).toBe(1024);
    const token = readFileSync(join(sidecar.runtimeDir, "token"), "utf8");
    // In flight before the flood: requests whose headers have begun to arrive
    const inFlight = await Promise.all(Array.from({ length: 8 }, () => openConnection(sidecar.port)));
    for (const socket of inFlight) socket.write("GET /roles/default HTTP/1.1\r\nHost: 127.0.0.1\r\n");

    // Act: 2,000 connections opened and left idle, as the runtime's workers would, all established;
    // then one new request, timed from its start
    // More than it has file descriptors for, so at least this many must be closed by the sidecar
    const mustShed = IDLE_FLOOD - 1024;
    let shedCount = 0;
    let reachedMustShed: () => void = () => undefined;
    const shedEnough = new Promise<void>((resolve) => {
      reachedMustShed = resolve;
    });
    // In batches the listen backlog (511) holds: a dropped SYN is retried only after 1, 3, 7… s.
    const flood: Socket[] = [];
    for (let batch = 0; batch < IDLE_FLOOD / 250; batch++) {
      const opened = await Promise.all(Array.from({ length: 250 }, () => openConnection(sidecar.port)));
      for (const socket of opened) {
        socket.resume(); // read on, so the sidecar's close (end) is seen
        socket.once("end", () => {
          if (++shedCount === mustShed) reachedMustShed();
        });
        flood.push(socket);
      }
    }
    const openFilesAfterFlood = readdirSync(`/proc/${pid}/fd`).length;
    const askedAt = performance.now();
    const answer = await fetch(`http://127.0.0.1:${sidecar.port}/roles/default`, {
      headers: { authorization: token },
      signal: AbortSignal.timeout(5_000),
    });
    const answeredMs = performance.now() - askedAt;
    const finished = await Promise.all(
      inFlight.map((socket) => {
        const response = readResponse(socket);
        socket.write(`Authorization: ${token}\r\n\r\n`);
        return response;
      }),
    );
    await shedEnough;
    for (const socket of [...flood, ...inFlight]) socket.destroy();
    const exit = await shutDown(started);

    // Assess
    expect(answer.status).toBe(200);
    expect(answeredMs).toBeLessThan(1_000);
    expect(finished.map((text) => text.split("\r\n")[0])).toEqual(inFlight.map(() => "HTTP/1.1 200 OK"));
    expect(openFilesAfterFlood).toBeLessThan(1024 - 100); // room left for everything else it does
    expect(shedCount).toBeGreaterThanOrEqual(mustShed); // the control: the flood was more than it could keep
    expect(exit.code).toBe(0);
    expect(runtime.errors).toEqual([]);
  });

  it("recovers from STS throttling its first AssumeRole calls on its own timers, with no INVOKE, before init ends", async () => {
    // Prepare: STS throttles the first 3 AssumeRole calls of init
    const started = await startManaged({ fault: { kind: "throttle", actions: ["AssumeRole"], times: 3 } });
    const { runtime, sts, sidecar } = started;

    // Act: nobody asks for anything and no event comes; only the sidecar's timers can retry. Init
    // ends (the extension waits in event/next) once the role has credentials, which are then served.
    await runtime.waitForIdle(EXTENSION, 20_000);
    const answer = await fetch(`http://127.0.0.1:${sidecar.port}/roles/default`, {
      headers: { authorization: readFileSync(join(sidecar.runtimeDir, "token"), "utf8") },
    });
    const assumed = await sidecar.waitForLog((line) => line.event === "assumed");
    const exit = await shutDown(started);

    // Assess
    const failures = sidecar.logs.filter((line) => line.event === "assume-failed");
    expect(failures.map((line) => [line.code, line.attempt])).toEqual([
      ["Throttling", 1],
      ["Throttling", 2],
      ["Throttling", 3],
    ]);
    expect(sidecar.logs.indexOf(assumed)).toBeGreaterThan(sidecar.logs.indexOf(failures[2] as never));
    expect(sts.calls("AssumeRole")).toBe(4);
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { RoleArn: string }).RoleArn).toBe(ROLE_ARN);
    expect((await runtime.waitForRegistered(EXTENSION)).events).toEqual(["SHUTDOWN"]);
    expect(runtime.errors).toEqual([]);
    expect(exit.code).toBe(0);
  });
});

const IDLE_FLOOD = 2_000;

/** The soft open-file limit of a process ("self" for this one), from /proc. */
function openFileLimit(pid: number | "self"): number {
  const line = readFileSync(`/proc/${pid}/limits`, "utf8")
    .split("\n")
    .find((text) => text.startsWith("Max open files"));
  return Number(line?.split(/\s+/)[3]);
}

/** A connection to the sidecar, once established; errors are the test's to see, not to throw. */
function openConnection(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.off("error", reject);
      socket.on("error", () => undefined);
      resolve(socket);
    });
    socket.once("error", reject);
  });
}

/** The whole response on a connection: up to the end of a Content-Length body. */
function readResponse(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    socket.on("data", (chunk) => {
      text += chunk;
      const head = text.indexOf("\r\n\r\n");
      const length = /content-length: (\d+)/i.exec(text)?.[1];
      if (head >= 0 && length !== undefined && text.length >= head + 4 + Number(length)) resolve(text);
    });
    socket.once("close", () => reject(new Error(`closed after ${JSON.stringify(text)}`)));
  });
}

/** `promise`, or a failure naming `what` after `timeoutMs`. */
async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * GET /roles/default until it answers (connections reset while the flood drains). A bounded poll on
 * purpose: nothing tells when the sidecar has closed enough of the flood's sockets to accept again,
 * and an answered request is that very signal.
 */
async function untilServed(port: number, token: string, timeoutMs: number): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fetch(`http://127.0.0.1:${port}/roles/default`, {
        headers: { authorization: token },
        signal: AbortSignal.timeout(2_000),
      });
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
