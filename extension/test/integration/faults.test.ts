/**
 * The bundled extension while STS misbehaves: throttling, 5xx, refused connections and hangs, at cold
 * start and at the refresh boundary; bad, missing and refused base credentials; a real SDK during an
 * outage. STS is the built-in stand-in (real awsQuery protocol and SigV4) because it can inject faults
 * and issue 20-second sessions, which bring the refresh boundary within seconds:
 * refresh margin = lifetime / 2 = 10 s, serve floor = lifetime / 10 = 2 s.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MockRuntimeApi, startMockRuntimeApi } from "../../devkit/mockRuntimeApi/mockRuntimeApi.js";
import { type StsFault, type StsStandIn, startStsStandIn } from "../../devkit/stsStandIn/stsStandIn.js";
import { execClient } from "../support/clients.js";
import { type ExtensionProcess, type LogLine, startExtension } from "../support/extensionProcess.js";

const EXTENSION = "credentials-sidecar";
const FUNCTION_NAME = "faults-fn";
const REGION = "eu-west-1";
/** Lifetime of the stand-in's sessions in the refresh-boundary tests, and what follows from it. */
const SHORT_LIFETIME_S = 20;
const SERVE_FLOOR_MS = (SHORT_LIFETIME_S * 1000) / 10;

type FaultKind = Exclude<StsFault["kind"], "unavailable">;
/** The code each fault surfaces as, in the sidecar's logs and its 503 bodies. */
const FAULT_CODES: Record<FaultKind, string> = {
  throttle: "Throttling",
  "server-error": "InternalFailure",
  refuse: "StsUnreachable",
  hang: "StsUnreachable",
};

interface Answer {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly body: Record<string, string>;
  readonly text: string;
  readonly startedAt: number;
  readonly durationMs: number;
}

interface Running {
  readonly runtime: MockRuntimeApi;
  readonly sidecar: ExtensionProcess;
  readonly token: string;
  readonly spawnedAt: number;
  readonly registeredAfterMs: number;
  get(role: string, token?: string): Promise<Answer>;
  stop(): Promise<void>;
}

const roleArn = (sts: StsStandIn, name: string) => `arn:aws:iam::${sts.accountId}:role/${name}`;

function baseEnv(sts: StsStandIn, extra: Record<string, string | undefined> = {}) {
  return {
    AWS_LAMBDA_FUNCTION_NAME: FUNCTION_NAME,
    AWS_LAMBDA_FUNCTION_VERSION: "3",
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: sts.base.accessKeyId,
    AWS_SECRET_ACCESS_KEY: sts.base.secretAccessKey,
    AWS_ENDPOINT_URL_STS: sts.endpoint,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    ...extra,
  };
}

/** The YAML of a config with one plain role `reader` and extra roles as `name: source?`. */
function rolesConfig(sts: StsStandIn, extra: Record<string, string | undefined> = {}): string {
  const lines = ["default: reader", "roles:", "  reader:", `    RoleArn: ${roleArn(sts, "reader")}`];
  for (const [name, source] of Object.entries(extra)) {
    lines.push(`  ${name}:`, `    RoleArn: ${roleArn(sts, name)}`);
    if (source !== undefined) lines.push(`    source: ${source}`, "    DurationSeconds: 900");
  }
  return `${lines.join("\n")}\n`;
}

/** Starts the bundle against a fresh mock Runtime API, with the config given as a file. */
async function startSidecar(
  sts: StsStandIn,
  config: string | undefined,
  extra: Record<string, string | undefined> = {},
): Promise<Running> {
  const runtime = await startMockRuntimeApi({ functionName: FUNCTION_NAME });
  const env: Record<string, string | undefined> = {
    ...baseEnv(sts, extra),
    AWS_LAMBDA_RUNTIME_API: runtime.address,
  };
  if (config !== undefined) {
    const path = join(mkdtempSync(join(tmpdir(), "faults-config-")), "credentials-sidecar.yaml");
    writeFileSync(path, config);
    env.CREDENTIALS_SIDECAR_CONFIG = path;
  }
  const spawnedAt = Date.now();
  const sidecar = await startExtension({ env });
  await runtime.waitForRegistered(EXTENSION, 3000);
  const registeredAfterMs = Date.now() - spawnedAt;
  const token = readFileSync(join(sidecar.runtimeDir, "token"), "utf8");
  return {
    runtime,
    sidecar,
    token,
    spawnedAt,
    registeredAfterMs,
    get: (role, withToken = token) => getRole(sidecar.port, role, withToken),
    async stop() {
      sidecar.kill();
      await sidecar.exited(5000).catch(() => undefined);
      await runtime.close();
    },
  };
}

async function getRole(port: number, role: string, token: string): Promise<Answer> {
  const startedAt = Date.now();
  const response = await fetch(`http://127.0.0.1:${port}/roles/${role}`, {
    headers: { authorization: token },
  });
  const text = await response.text();
  return {
    status: response.status,
    retryAfter: response.headers.get("retry-after"),
    body: JSON.parse(text) as Record<string, string>,
    text,
    startedAt,
    durationMs: Date.now() - startedAt,
  };
}

/**
 * Waits for the extension's own "assumed" line for the role (its signal that credentials are in,
 * rather than sleeping through Retry-After), then asks once: that answer must be a 200.
 */
async function servedOnceAssumed(run: Running, role: string, timeoutMs = 30_000): Promise<Answer> {
  await run.sidecar.waitForLog((line) => line.event === "assumed" && line.role === role, timeoutMs);
  const answer = await run.get(role);
  expect(answer.status, answer.text).toBe(200);
  return answer;
}

/** What a 503 must look like: a Retry-After in whole seconds, {Code, Message} and nothing else. */
function expectRetryable(answer: Answer, code: string): void {
  expect(answer.status, answer.text).toBe(503);
  expect(answer.retryAfter).toMatch(/^[1-9]\d*$/);
  expect(Object.keys(answer.body).sort()).toEqual(["Code", "Message"]);
  expect(answer.body.Code).toBe(code);
}

function failures(sidecar: ExtensionProcess, role: string): LogLine[] {
  return sidecar.logs.filter((line) => line.event === "assume-failed" && line.role === role);
}

/** Asserts no secret of `served` (or the sidecar token) reached the sidecar's output. */
function expectNoSecretsLogged(run: Running, served: Answer[]): void {
  const output = run.sidecar.output();
  expect(output).not.toContain(run.token);
  for (const answer of served) {
    for (const secret of [answer.body.SecretAccessKey, answer.body.Token, answer.body.AccessKeyId]) {
      expect(secret && secret.length > 8).toBe(true);
      expect(output).not.toContain(secret);
    }
  }
}

describe("cold start while STS fails", () => {
  let sts: StsStandIn;

  beforeAll(async () => {
    sts = await startStsStandIn();
  });
  afterAll(async () => {
    await sts?.close();
  });

  it.each(Object.keys(FAULT_CODES) as FaultKind[])(
    "%s: registers at once, answers 503 + Retry-After within a second, recovers by itself",
    async (kind) => {
      // Prepare
      await sts.setFault({ kind });
      const run = await startSidecar(sts, rolesConfig(sts, { chained: "reader" }));
      try {
        // Assess: register was not held back by STS (a hang would otherwise cost the init phase)
        expect(run.registeredAfterMs).toBeLessThan(3000);

        // Act: the function's SDK asks while STS is failing. Right after register the sidecar spends
        // ~100-250 ms loading the STS client, so it answers once /health shows it is responsive:
        // the 1 s bound is about the credentials wait, not about that one-off load.
        expect((await fetch(`http://127.0.0.1:${run.sidecar.port}/health`)).status).toBe(200);
        const during = [await run.get("reader"), await run.get("reader"), await run.get("chained")];

        // Assess: fast 503s a client retries, naming the cause
        for (const answer of during) expect(answer.durationMs).toBeLessThan(1000);
        const [first, second, chained] = during as [Answer, Answer, Answer];
        if (kind === "hang") {
          // The first AssumeRole is still waiting (5 s timeout): the sidecar says so instead of hanging.
          expectRetryable(first, "CredentialsPending");
          expectRetryable(second, "CredentialsPending");
          expectRetryable(chained, "CredentialsPending");
        } else {
          expectRetryable(first, FAULT_CODES[kind]);
          expectRetryable(second, FAULT_CODES[kind]);
          expectRetryable(chained, `SourceRole.${FAULT_CODES[kind]}`);
          expect(first.body.Message).toContain("role reader");
          const logged = await run.sidecar.waitForLog(
            (line) => line.event === "assume-failed" && line.role === "reader",
          );
          expect(logged).toMatchObject({ level: "warn", code: FAULT_CODES[kind], retryable: true });
        }
        for (const answer of during) {
          expect(answer.text).not.toMatch(/AccessKeyId|SecretAccessKey|"Token"/);
        }

        // Act: STS recovers
        await sts.setFault(undefined);
        const served = [await servedOnceAssumed(run, "reader"), await servedOnceAssumed(run, "chained")];

        // Assess: credentials without a restart, and init was never failed
        for (const answer of served) {
          expect(answer.body.Code).toBe("Success");
          expect(answer.body.AccessKeyId).toMatch(/^ASIA/);
        }
        expect(served[0]?.body.RoleArn).toBe(roleArn(sts, "reader"));
        expect(served[1]?.body.RoleArn).toBe(roleArn(sts, "chained"));
        expect(run.runtime.errors).toEqual([]);
        expect(run.sidecar.logs.some((l) => l.event === "assumed" && l.role === "reader")).toBe(true);
        expectNoSecretsLogged(run, served);
      } finally {
        await sts.setFault(undefined);
        await run.stop();
      }
    },
  );
});

describe.concurrent("refresh boundary while STS fails", () => {
  it.each(Object.keys(FAULT_CODES) as FaultKind[])(
    "%s: keeps serving the previous credentials, backs off, recovers, never serves expired ones",
    async (kind) => {
      // Prepare: one stand-in each (the fault is global to it). A hung call takes the STS client's 5 s
      // timeout, so that case gets a 40 s lifetime (refresh 18-20 s before expiry) to fit two failed
      // attempts, with room for a loaded machine, before the old credentials stop being served.
      const lifetimeS = kind === "hang" ? 40 : SHORT_LIFETIME_S;
      const wantedFailures = kind === "hang" ? 2 : 4;
      const sts = await startStsStandIn({ sessionLifetimeSeconds: lifetimeS });
      const run = await startSidecar(sts, undefined, {
        CREDENTIALS_SIDECAR_ROLE_ARN: roleArn(sts, "reader"),
      });
      try {
        const initial = await servedOnceAssumed(run, "default");
        const previousKey = initial.body.AccessKeyId;
        const previousExpiry = Date.parse(initial.body.Expiration ?? "");
        const assumed = await run.sidecar.waitForLog((l) => l.event === "assumed");
        const refreshAt = Date.parse(String(assumed.refreshAt));
        // The fault must be in place before the refresh is due, or this would test a cold start.
        expect(Date.now()).toBeLessThan(refreshAt);
        await sts.setFault({ kind });

        // Act: a client asking every 200 ms (a load pattern, not a wait) through the refresh boundary
        const answers: Answer[] = [];
        const giveUpAt = previousExpiry + 15_000;
        const ask = async () => {
          if (Date.now() > giveUpAt) throw new Error(`gave up:\n${run.sidecar.output()}`);
          answers.push(await run.get("default"));
          await new Promise((resolve) => setTimeout(resolve, 200));
        };
        while (failures(run.sidecar, "default").length < wantedFailures) await ask();
        await sts.setFault(undefined);
        // Recovery is the extension's next "assumed" line; the client then gets the new credentials.
        await run.sidecar.waitForLog(
          (line) => line.event === "assumed" && line !== assumed,
          Math.max(1, giveUpAt - Date.now()),
        );
        answers.push(await run.get("default"));

        // Assess: the previous credentials were served, unchanged, while they were valid
        const recoveredAt = answers.findIndex((a) => a.status === 200 && a.body.AccessKeyId !== previousKey);
        const beforeRecovery = answers.slice(0, recoveredAt);
        for (const answer of beforeRecovery) {
          if (answer.status === 200) expect(answer.body.AccessKeyId).toBe(previousKey);
          else expectRetryable(answer, FAULT_CODES[kind]);
          if (answer.startedAt < previousExpiry - SERVE_FLOOR_MS - 250) expect(answer.status).toBe(200);
        }
        // ...and nothing within the serve floor of its expiry, ever. STS rounds issue times down to the
        // second, so the floor the sidecar computes (a tenth of the lifetime it saw) is at least this:
        const floorMs = (lifetimeS - 1) * 100;
        for (const answer of answers.filter((a) => a.status === 200)) {
          expect(Date.parse(answer.body.Expiration ?? "") - answer.startedAt).toBeGreaterThan(floorMs);
        }

        // Assess: every failure was logged at the boundary, with a growing backoff between attempts
        const failed = failures(run.sidecar, "default");
        expect(failed.length).toBeGreaterThanOrEqual(wantedFailures);
        const gaps: number[] = [];
        failed.forEach((line, index) => {
          expect(line).toMatchObject({ level: "warn", code: FAULT_CODES[kind], retryable: true });
          expect(line.attempt).toBe(index + 1);
          const at = Date.parse(line.timestamp);
          expect(at).toBeGreaterThanOrEqual(refreshAt);
          if (at < previousExpiry - SERVE_FLOOR_MS) expect(line.servingUntil).toBeDefined();
          const gap = Date.parse(String(line.nextAttemptAt)) - at;
          // Full jitter: uniform in [500 ms, 500 ms · 2^(attempt-1)], capped at a minute.
          expect(gap).toBeGreaterThanOrEqual(495);
          expect(gap).toBeLessThanOrEqual(500 * 2 ** index + 5);
          gaps.push(gap);
          const next = failed[index + 1];
          // No attempt before the previous one's backoff ran out, however often the client asked.
          if (next !== undefined)
            expect(Date.parse(next.timestamp)).toBeGreaterThanOrEqual(Date.parse(String(line.nextAttemptAt)));
        });
        if (gaps.length >= 4) expect(Math.max(...gaps.slice(1))).toBeGreaterThan((gaps[0] ?? 0) + 20);

        // Assess: recovery brought new credentials that outlive the previous ones
        const recovered = answers[recoveredAt] as Answer;
        expect(Date.parse(recovered.body.Expiration ?? "")).toBeGreaterThan(previousExpiry);
        expect(run.sidecar.logs.filter((l) => l.event === "assumed")).toHaveLength(2);
        expect(run.runtime.errors).toEqual([]);
        expectNoSecretsLogged(run, [initial, recovered]);
      } finally {
        await run.stop();
        await sts.close();
      }
    },
  );
});

describe("base credentials and refused roles", () => {
  let sts: StsStandIn;
  const EXTERNAL_ID = "partner-4711";

  beforeAll(async () => {
    sts = await startStsStandIn({
      deniedRoles: ["denied"],
      externalIds: { partner: EXTERNAL_ID, partnerWrongId: EXTERNAL_ID, partnerNoId: EXTERNAL_ID },
    });
  });
  afterAll(async () => {
    await sts?.close();
  });

  /** Runs one INVOKE so the extension is past init (where init/error would have been posted). */
  async function pastInit(run: Running): Promise<void> {
    run.runtime.invoke({});
    await run.runtime.waitForIdle(EXTENSION);
  }

  it.each<[string, Record<string, string>, string]>([
    ["a wrong secret key", { AWS_SECRET_ACCESS_KEY: "x".repeat(40) }, "SignatureDoesNotMatch"],
    ["an unknown access key", { AWS_ACCESS_KEY_ID: "AKIAUNKNOWNUNKNOWN00" }, "InvalidClientTokenId"],
  ])(
    "%s is a permanent 403 naming STS's code, retried slowly, and init goes on",
    async (_name, keys, code) => {
      // Prepare
      const run = await startSidecar(sts, undefined, {
        CREDENTIALS_SIDECAR_ROLE_ARN: roleArn(sts, "reader"),
        ...keys,
      });
      try {
        await pastInit(run);

        // Act
        const answer = await run.get("default");

        // Assess: not a 503 (nothing to wait for), but STS's own code, which the SDKs report
        expect(answer.status, answer.text).toBe(403);
        expect(answer.retryAfter).toBeNull();
        expect(answer.body).toEqual({ Code: code, Message: expect.stringContaining("role default") });
        const [failed] = failures(run.sidecar, "default");
        expect(failed).toMatchObject({ level: "error", code, retryable: false, attempt: 1 });
        // Permanent errors back off 30 s to 5 min, so a fleet with a typo does not hammer STS.
        const gap = Date.parse(String(failed?.nextAttemptAt)) - Date.parse(String(failed?.timestamp));
        expect(gap).toBeGreaterThanOrEqual(29_990); // logged a millisecond after it was computed
        expect(failures(run.sidecar, "default")).toHaveLength(1);
        expect(run.runtime.errors).toEqual([]);
        expect(run.sidecar.output()).not.toContain(keys.AWS_SECRET_ACCESS_KEY ?? sts.base.secretAccessKey);
      } finally {
        await run.stop();
      }
    },
  );

  it("no base credentials at all fails init with Extension.NoBaseCredentials", async () => {
    // Prepare
    const callsBefore = sts.calls("AssumeRole");
    const runtime = await startMockRuntimeApi({ functionName: FUNCTION_NAME });
    const sidecar = await startExtension({
      env: {
        ...baseEnv(sts, { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined }),
        AWS_LAMBDA_RUNTIME_API: runtime.address,
        CREDENTIALS_SIDECAR_ROLE_ARN: roleArn(sts, "reader"),
      },
    });
    try {
      // Act
      const error = await runtime.waitForError();
      const exit = await sidecar.exited();

      // Assess
      expect(error).toMatchObject({ route: "init/error", errorType: "Extension.NoBaseCredentials" });
      expect((error.body as { errorMessage: string }).errorMessage).toContain("no base credentials");
      expect(exit.code).toBe(1);
      expect(sts.calls("AssumeRole")).toBe(callsBefore); // nothing unsigned ever left the sandbox
    } finally {
      sidecar.kill();
      await runtime.close();
    }
  });

  it("a refused role answers 403 AccessDenied, a role chained from it SourceRole.AccessDenied, others 200", async () => {
    // Prepare
    const run = await startSidecar(sts, rolesConfig(sts, { denied: undefined, fromDenied: "denied" }));
    try {
      await pastInit(run);

      // Act
      const [reader, denied, fromDenied] = [
        await run.get("reader"),
        await run.get("denied"),
        await run.get("fromDenied"),
      ];

      // Assess
      expect(reader.status).toBe(200);
      expect(reader.body.RoleArn).toBe(roleArn(sts, "reader"));
      expect(denied.status).toBe(403);
      expect(denied.body).toEqual({
        Code: "AccessDenied",
        Message: expect.stringContaining("is not authorized to perform: sts:AssumeRole"),
      });
      expect(fromDenied.status).toBe(403);
      expect(fromDenied.body).toEqual({
        Code: "SourceRole.AccessDenied",
        Message: expect.stringContaining("source role denied has no credentials"),
      });
      for (const answer of [denied, fromDenied]) expect(answer.text).not.toContain(reader.body.AccessKeyId);
      expect(failures(run.sidecar, "reader")).toEqual([]);
      expect(failures(run.sidecar, "fromDenied")[0]).toMatchObject({ code: "SourceRole.AccessDenied" });
      expect(run.runtime.errors).toEqual([]);
    } finally {
      await run.stop();
    }
  });
  it("sends each role's ExternalId: the right one is served, a wrong or missing one is AccessDenied", async () => {
    // Prepare: a trust policy demanding an ExternalId (the confused-deputy guard)
    const role = (name: string, externalId?: string) =>
      `  ${name}:\n    RoleArn: ${roleArn(sts, name)}\n${externalId ? `    ExternalId: ${externalId}\n` : ""}`;
    const config = `roles:\n${role("partner", EXTERNAL_ID)}${role("partnerWrongId", "partner-0000")}${role("partnerNoId")}`;
    const run = await startSidecar(sts, config);
    try {
      await pastInit(run);

      // Act
      const [right, wrongId, noId] = [
        await run.get("partner"),
        await run.get("partnerWrongId"),
        await run.get("partnerNoId"),
      ];

      // Assess
      expect(right.status, right.text).toBe(200);
      expect(right.body.RoleArn).toBe(roleArn(sts, "partner"));
      for (const refused of [wrongId, noId]) {
        expect(refused.status).toBe(403);
        expect(refused.body.Code).toBe("AccessDenied");
      }
      expect(run.sidecar.output()).not.toContain("partner-0000"); // ExternalIds are not logged
    } finally {
      await run.stop();
    }
  });
});

interface CountingProxy {
  readonly port: number;
  requests(): number;
  waitForRequests(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A plain TCP relay in front of the sidecar (it adds no header) that counts credential requests: how
 * often an SDK really asked. Its URL is 127.0.0.1 too, which every SDK accepts.
 */
async function startCountingProxy(targetPort: number): Promise<CountingProxy> {
  let count = 0;
  const listeners = new Set<() => void>();
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: "127.0.0.1", port: targetPort });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => undefined);
      socket.on("close", () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(socket);
      });
    }
    client.on("data", (chunk: Buffer) => {
      count += chunk.toString("latin1").split("GET /roles/").length - 1;
      for (const listener of listeners) listener();
    });
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as { port: number }).port,
    requests: () => count,
    waitForRequests: (wanted, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (count < wanted) return;
          clearTimeout(timer);
          listeners.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`saw ${count} of ${wanted} requests`));
        }, timeoutMs);
        listeners.add(check);
        check();
      }),
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe("a function's SDK while STS is throttled", () => {
  let sts: StsStandIn;
  let proxy: CountingProxy;

  beforeAll(async () => {
    sts = await startStsStandIn();
  });
  afterAll(async () => {
    await sts?.close();
  });

  function clientEnvFor(port: number, role: string, token: string): Record<string, string> {
    return {
      AWS_CONTAINER_CREDENTIALS_FULL_URI: `http://127.0.0.1:${port}/roles/${role}`,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: token,
      AWS_ENDPOINT_URL: sts.endpoint,
      AWS_REGION: REGION,
    };
  }

  it("boto3 retries the 503 three times, then fails with the sidecar's reason", async () => {
    // Prepare: a sidecar whose AssumeRole meets a throttled STS
    await sts.setFault({ kind: "throttle" });
    const throttled = await startSidecar(sts, rolesConfig(sts));
    proxy = await startCountingProxy(throttled.sidecar.port);
    try {
      // Act
      const client = await execClient("python", clientEnvFor(proxy.port, "reader", throttled.token));

      // Assess: botocore's container provider made its 3 attempts, saw 503 each time, and gave up
      expect(client.exitCode).toBe(1);
      expect(client.stderr).toContain("503");
      expect(client.stderr).toContain("Throttling");
      expect(proxy.requests()).toBe(3);
      expect(client.stderr).not.toContain(throttled.token);
    } finally {
      await sts.setFault(undefined);
      await proxy.close();
      await throttled.stop();
    }
  });

  it("the JS SDK v3 retries the 503 and succeeds once STS recovers", async () => {
    // Prepare
    await sts.setFault({ kind: "throttle" });
    const throttled = await startSidecar(sts, rolesConfig(sts));
    proxy = await startCountingProxy(throttled.sidecar.port);
    try {
      // Act: STS recovers as soon as the SDK's first request has been answered 503
      const client = execClient("node", clientEnvFor(proxy.port, "reader", throttled.token));
      await proxy.waitForRequests(1);
      await sts.setFault(undefined);
      const result = await client;

      // Assess: the SDK acted as the role, after asking more than once
      expect(result.exitCode, result.stderr).toBe(0);
      const whoami = JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "{}") as { arn: string };
      expect(whoami.arn).toMatch(
        new RegExp(`^arn:aws:sts::${sts.accountId}:assumed-role/reader/${FUNCTION_NAME}\\.3\\.`),
      );
      expect(proxy.requests()).toBeGreaterThanOrEqual(2);
      expect(failures(throttled.sidecar, "reader").length).toBeGreaterThanOrEqual(1);
    } finally {
      await sts.setFault(undefined);
      await proxy.close();
      await throttled.stop();
    }
  });
});
