/**
 * The bundled extension against the STS stand-in, as the fault tests run it: a fresh mock Runtime API
 * each, the config as a file, answers with their timing, and the checks every fault test makes (a
 * retryable 503, no secret in the output). STS is the stand-in because it injects faults and issues
 * 20-second sessions, which bring the refresh boundary within seconds:
 * refresh margin = lifetime / 2 = 10 s, serve floor = lifetime / 10 = 2 s.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { type MockRuntimeApi, startMockRuntimeApi } from "../../devkit/mockRuntimeApi/mockRuntimeApi.js";
import type { StsFault, StsStandIn } from "../../devkit/stsStandIn/stsStandIn.js";
import { type ExtensionProcess, type LogLine, startExtension } from "./extensionProcess.js";

export const EXTENSION = "credentials-sidecar";
export const FUNCTION_NAME = "faults-fn";
export const REGION = "eu-west-1";
/** Lifetime of the stand-in's sessions in the refresh-boundary tests, and what follows from it. */
export const SHORT_LIFETIME_S = 20;
export const SERVE_FLOOR_MS = (SHORT_LIFETIME_S * 1000) / 10;

export type FaultKind = Exclude<StsFault["kind"], "unavailable">;
/** The code each fault surfaces as, in the sidecar's logs and its 503 bodies. */
export const FAULT_CODES: Record<FaultKind, string> = {
  throttle: "Throttling",
  "server-error": "InternalFailure",
  refuse: "StsUnreachable",
  hang: "StsUnreachable",
};

export interface Answer {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly body: Record<string, string>;
  readonly text: string;
  readonly startedAt: number;
  readonly durationMs: number;
}

export interface Running {
  readonly runtime: MockRuntimeApi;
  readonly sidecar: ExtensionProcess;
  readonly token: string;
  readonly spawnedAt: number;
  readonly registeredAfterMs: number;
  get(role: string, token?: string): Promise<Answer>;
  stop(): Promise<void>;
}

export const roleArn = (sts: StsStandIn, name: string) => `arn:aws:iam::${sts.accountId}:role/${name}`;

export function baseEnv(sts: StsStandIn, extra: Record<string, string | undefined> = {}) {
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
export function rolesConfig(sts: StsStandIn, extra: Record<string, string | undefined> = {}): string {
  const lines = ["default: reader", "roles:", "  reader:", `    RoleArn: ${roleArn(sts, "reader")}`];
  for (const [name, source] of Object.entries(extra)) {
    lines.push(`  ${name}:`, `    RoleArn: ${roleArn(sts, name)}`);
    if (source !== undefined) lines.push(`    source: ${source}`, "    DurationSeconds: 900");
  }
  return `${lines.join("\n")}\n`;
}

/** Starts the bundle against a fresh mock Runtime API, with the config given as a file. */
export async function startSidecar(
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

export async function getRole(port: number, role: string, token: string): Promise<Answer> {
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
export async function servedOnceAssumed(run: Running, role: string, timeoutMs = 30_000): Promise<Answer> {
  await run.sidecar.waitForLog((line) => line.event === "assumed" && line.role === role, timeoutMs);
  const answer = await run.get(role);
  expect(answer.status, answer.text).toBe(200);
  return answer;
}

/** What a 503 must look like: a Retry-After in whole seconds, {Code, Message} and nothing else. */
export function expectRetryable(answer: Answer, code: string): void {
  expect(answer.status, answer.text).toBe(503);
  expect(answer.retryAfter).toMatch(/^[1-9]\d*$/);
  expect(Object.keys(answer.body).sort()).toEqual(["Code", "Message"]);
  expect(answer.body.Code).toBe(code);
}

export function failures(sidecar: ExtensionProcess, role: string): LogLine[] {
  return sidecar.logs.filter((line) => line.event === "assume-failed" && line.role === role);
}

/** Asserts no secret of `served` (or the sidecar token) reached the sidecar's output. */
export function expectNoSecretsLogged(run: Running, served: Answer[]): void {
  const output = run.sidecar.output();
  expect(output).not.toContain(run.token);
  for (const answer of served) {
    for (const secret of [answer.body.SecretAccessKey, answer.body.Token, answer.body.AccessKeyId]) {
      expect(secret && secret.length > 8).toBe(true);
      expect(output).not.toContain(secret);
    }
  }
}
