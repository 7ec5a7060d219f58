/**
 * The bundled extension at cold start while STS fails (throttling, 5xx, refused connections, a hang):
 * it registers at once, answers fast retryable 503s naming the cause, and recovers by itself.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StsStandIn, startStsStandIn } from "../../devkit/stsStandIn/stsStandIn.js";
import {
  type Answer,
  expectNoSecretsLogged,
  expectRetryable,
  FAULT_CODES,
  type FaultKind,
  roleArn,
  rolesConfig,
  servedOnceAssumed,
  startSidecar,
} from "../support/sidecarUnderFaults.js";

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
