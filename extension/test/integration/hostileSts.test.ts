/**
 * The bundled extension against an STS that answers 200 with credentials that cannot be served:
 * expired on arrival (a sandbox clock ahead of STS), blank fields, year 9999. Before the fix it called
 * AssumeRole ~20 times a second for ever; now it backs off, logs the problem once, serves what is still
 * valid. The STS stand-in answers with the raw values (setAnswerOverride) or runs its clock behind.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type MockRuntimeApi, startMockRuntimeApi } from "../../devkit/mockRuntimeApi/mockRuntimeApi.js";
import {
  type StsAnswerOverride,
  type StsStandIn,
  startStsStandIn,
} from "../../devkit/stsStandIn/stsStandIn.js";
import { type ExtensionProcess, type LogLine, startExtension } from "../support/extensionProcess.js";

const EXTENSION = "credentials-sidecar";
/** The window in which AssumeRole calls are counted, as in the reproduction. */
const WINDOW_MS = 5000;
/** The first retry comes 2.5-5 s after the first call (UNUSABLE_BACKOFF), the next 5-10 s after that: at most two calls fit the window; three are allowed. */
const MAX_CALLS_IN_WINDOW = 3;

interface Running {
  readonly sts: StsStandIn;
  readonly runtime: MockRuntimeApi;
  readonly sidecar: ExtensionProcess;
  get(): Promise<{ status: number; body: Record<string, string> }>;
  stop(): Promise<void>;
}

async function start(sts: StsStandIn): Promise<Running> {
  const runtime = await startMockRuntimeApi({ functionName: "hostile-sts-fn" });
  const sidecar = await startExtension({
    env: {
      AWS_LAMBDA_RUNTIME_API: runtime.address,
      AWS_LAMBDA_FUNCTION_NAME: "hostile-sts-fn",
      AWS_REGION: "eu-west-1",
      AWS_ACCESS_KEY_ID: sts.base.accessKeyId,
      AWS_SECRET_ACCESS_KEY: sts.base.secretAccessKey,
      AWS_ENDPOINT_URL_STS: sts.endpoint,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      CREDENTIALS_SIDECAR_ROLE_ARN: `arn:aws:iam::${sts.accountId}:role/app`,
    },
  });
  await runtime.waitForRegistered(EXTENSION, 5000);
  const token = readFileSync(join(sidecar.runtimeDir, "token"), "utf8");
  return {
    sts,
    runtime,
    sidecar,
    async get() {
      const response = await fetch(`http://127.0.0.1:${sidecar.port}/roles/default`, {
        headers: { authorization: token },
      });
      return { status: response.status, body: (await response.json()) as Record<string, string> };
    },
    async stop() {
      sidecar.kill();
      await sidecar.exited(5000).catch(() => undefined);
      await runtime.close();
      await sts.close();
    },
  };
}

const failedLines = (sidecar: ExtensionProcess): LogLine[] =>
  sidecar.logs.filter((line) => line.event === "assume-failed");

/** Waits a fixed window: what is measured is how often something happens in it. */
const windowElapses = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const HOSTILE: Record<string, StsAnswerOverride> = {
  "Expiration 2020-01-01": { Expiration: "2020-01-01T00:00:00Z" },
  "Expiration in year 9999": { Expiration: "9999-12-31T23:59:59Z" },
  'AccessKeyId " "': { AccessKeyId: " " },
  "a tab for a SessionToken": { SessionToken: "\t" },
  "Expiration not a date": { Expiration: "soon" },
  "no SecretAccessKey element": { SecretAccessKey: undefined },
};

describe.concurrent("an STS answering 200 with unusable credentials", () => {
  it.each(Object.keys(HOSTILE))(
    "%s: at most 3 AssumeRole calls in 5 s, one warning naming the problem, a 503 until it is fixed",
    async (name) => {
      // Prepare
      const sts = await startStsStandIn();
      sts.setAnswerOverride(HOSTILE[name]);
      const run = await start(sts);
      try {
        // Act
        const warned = await run.sidecar.waitForLog((line) => line.event === "assume-failed");
        await windowElapses(WINDOW_MS);
        const calls = sts.calls("AssumeRole");
        const answer = await run.get();

        // Assess
        expect(calls).toBeGreaterThanOrEqual(1);
        expect(calls).toBeLessThanOrEqual(MAX_CALLS_IN_WINDOW);
        expect(warned).toMatchObject({ level: "warn", code: "UnusableCredentials", attempt: 1 });
        expect(String(warned.error)).toMatch(/^STS answered AssumeRole with /);
        expect(failedLines(run.sidecar).filter((line) => line.level !== "debug")).toHaveLength(1);
        expect(run.sidecar.logs.filter((line) => line.event === "assumed")).toEqual([]);
        expect(answer.status).toBe(503);
        expect(answer.body.Code).toBe("UnusableCredentials");
        expect(run.sidecar.output()).not.toContain("TimeoutOverflowWarning");

        // Act: STS answers properly again; the backoff (5-10 s) ends and the next request is served
        sts.setAnswerOverride(undefined);
        await run.sidecar.waitForLog((line) => line.event === "assumed", 20_000);
        const served = await run.get();

        // Assess
        expect(served.status).toBe(200);
        expect(served.body.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
      } finally {
        await run.stop();
      }
    },
    40_000,
  );

  it("a refresh answered with expired credentials keeps the older, valid ones served", async () => {
    // Prepare: 20-second sessions refresh 10-11 s after issue and are served until 2 s before expiry
    const sts = await startStsStandIn({ sessionLifetimeSeconds: 20 });
    const run = await start(sts);
    try {
      await run.sidecar.waitForLog((line) => line.event === "assumed");
      const first = await run.get();
      expect(first.status).toBe(200);
      sts.setAnswerOverride({ Expiration: "2020-01-01T00:00:00Z" });

      // Act: the refresh fails; requests keep coming
      await run.sidecar.waitForLog((line) => line.event === "assume-failed");
      const callsAtFailure = sts.calls("AssumeRole");
      const during = await run.get();
      await windowElapses(3000);
      const later = await run.get();

      // Assess
      expect(during).toMatchObject({ status: 200, body: { AccessKeyId: first.body.AccessKeyId } });
      expect(later).toMatchObject({ status: 200, body: { AccessKeyId: first.body.AccessKeyId } });
      // The next attempt is 2.5 s after the failure at the earliest.
      expect(sts.calls("AssumeRole") - callsAtFailure).toBeLessThanOrEqual(1);
      expect(failedLines(run.sidecar)[0]).toMatchObject({
        level: "warn",
        code: "UnusableCredentials",
        servingUntil: expect.any(String),
      });
    } finally {
      await run.stop();
    }
  }, 40_000);

  it("STS's clock two hours behind this host's: the warning names the clock difference", async () => {
    // Prepare: the stand-in issues and checks signatures by its own clock, as STS does
    const sts = await startStsStandIn({ now: () => Date.now() - 2 * 3600_000 });
    const run = await start(sts);
    try {
      // Act
      const warned = await run.sidecar.waitForLog(
        (line) => line.event === "assume-failed" && line.code === "UnusableCredentials",
        20_000,
      );
      await windowElapses(WINDOW_MS);

      // Assess: the first call's signature was refused as "not yet current"; the SDK corrected its
      // signing clock from STS's Date header and the sidecar retried soon; that answer is expired here
      expect(failedLines(run.sidecar)[0]).toMatchObject({ code: "ClockSkewCorrected", retryable: true });
      expect(String(warned.error)).toMatch(
        /already expired.*this host's clock is 120 minutes ahead of STS's/,
      );
      expect(sts.calls("AssumeRole")).toBeLessThanOrEqual(MAX_CALLS_IN_WINDOW + 1);
      expect((await run.get()).status).toBe(503);
    } finally {
      await run.stop();
    }
  }, 40_000);
});
