/**
 * The bundled extension at the refresh boundary while STS fails: it keeps serving the previous
 * credentials, backs off (full jitter, growing), recovers, and never serves credentials within the
 * serve floor of their expiry. A hung call takes the STS client's 5 s timeout, so that case gets a
 * 40 s lifetime.
 */
import { describe, expect, it } from "vitest";
import { startStsStandIn } from "../../devkit/stsStandIn/stsStandIn.js";
import { RETRYABLE_BACKOFF } from "../../src/roles/refreshPolicy.js";
import {
  type Answer,
  expectNoSecretsLogged,
  expectRetryable,
  FAULT_CODES,
  type FaultKind,
  failures,
  roleArn,
  SERVE_FLOOR_MS,
  SHORT_LIFETIME_S,
  servedOnceAssumed,
  startSidecar,
} from "../support/sidecarUnderFaults.js";

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

        // Act: a client asking every 200 ms (a load pattern, not a wait) through the refresh boundary,
        // until the extension's own log line for the wanted failed attempt
        const answers: Answer[] = [];
        const giveUpAt = previousExpiry + 15_000;
        const client = askEvery(200, async () => {
          answers.push(await run.get("default"));
        });
        try {
          await run.sidecar.waitForLog(
            (line) => line.event === "assume-failed" && line.attempt === wantedFailures,
            Math.max(1, giveUpAt - Date.now()),
          );
        } finally {
          await client.stop();
        }
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
          // Asked and answered before the serve floor (the sidecar decided in between): served.
          if (answer.startedAt + answer.durationMs < previousExpiry - SERVE_FLOOR_MS)
            expect(answer.status).toBe(200);
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
          // The delay drawn (nextAttemptAt minus the line's timestamp is less by the time logging took,
          // which a loaded machine stretches). Full jitter from the first retry: uniform in
          // [100 ms, 500 ms · 2^(attempt-1)], capped at a minute.
          const gap = Number(line.backoffMs);
          expect(Date.parse(String(line.nextAttemptAt)) - at).toBeLessThanOrEqual(gap);
          expect(gap).toBeGreaterThanOrEqual(RETRYABLE_BACKOFF.floorMs);
          expect(gap).toBeLessThanOrEqual(RETRYABLE_BACKOFF.baseMs * 2 ** index);
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

/** Calls `ask` every `intervalMs` (after each answer) until stop(), which resolves once the last ask ended. */
function askEvery(intervalMs: number, ask: () => Promise<void>): { stop(): Promise<void> } {
  let stopped = false;
  let wake: (() => void) | undefined;
  const loop = (async () => {
    while (!stopped) {
      await ask();
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, intervalMs);
      });
    }
  })();
  return {
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}
