/**
 * RoleSession when STS answers 200 with credentials that cannot be served (see usableCredentials.ts):
 * no tight loop, one loud log line, older credentials still served while valid.
 */
import { describe, expect, it } from "vitest";
import { FakeClock, runTimers, settle } from "../../test/support/fakeClock.js";
import { seededRandom } from "../../test/support/seededRandom.mjs";
import { createLogger } from "../platform/log.js";
import type { IssuedCredentials } from "../sts/credentials.js";
import { RoleSession } from "./roleSession.js";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

type Answer = (nowMs: number, call: number) => Partial<IssuedCredentials>;

function credentials(expiresAtMs: number, call: number): IssuedCredentials {
  return {
    accessKeyId: `ASIAFAKE${call}`,
    secretAccessKey: `secret-${call}`,
    sessionToken: `token-${call}`,
    expiresAtMs,
    roleArn: "arn:aws:iam::123456789012:role/reader",
    assumedRoleArn: "arn:aws:sts::123456789012:assumed-role/reader/session",
    sessionName: "session",
  };
}

/** The hostile answers of the issue, and variants. */
const HOSTILE: Record<string, Answer> = {
  "expired in 2020": () => ({ expiresAtMs: Date.UTC(2020, 0, 1) }),
  "expired a second ago": (now) => ({ expiresAtMs: now - SECOND }),
  "an hour's session 30 s from expiry (clock 59.5 min ahead)": (now) => ({
    expiresAtMs: now + 30 * SECOND,
    stsClockOffsetMs: 30 * SECOND - HOUR,
  }),
  "year 9999": () => ({ expiresAtMs: Date.UTC(9999, 11, 31) }),
  "no Expiration": () => ({ expiresAtMs: Number.NaN }),
  "blank AccessKeyId": () => ({ accessKeyId: " " }),
  "empty SecretAccessKey": () => ({ secretAccessKey: "" }),
  "SessionToken with a NUL": () => ({ sessionToken: "token\u0000" }),
};

function setUp(answer: Answer, random: () => number) {
  const clock = new FakeClock();
  let calls = 0;
  const lines: Record<string, unknown>[] = [];
  const session = new RoleSession({
    name: "reader",
    settings: { refreshBeforeExpirySeconds: 1200 },
    assume: async () => {
      calls++;
      return { ...credentials(clock.now() + HOUR, calls), ...answer(clock.now(), calls) };
    },
    clock,
    random,
    log: createLogger("debug", (line) => lines.push(JSON.parse(line) as Record<string, unknown>)),
  });
  return { clock, session, lines, calls: () => calls };
}

/** Advances fake time in steps (100 ms unless given), letting each refresh settle, as the timers would. */
const run = (clock: FakeClock, ms: number, stepMs = 100) => runTimers(clock, ms, stepMs);

describe("RoleSession given an unusable STS answer", () => {
  it.each(Object.keys(HOSTILE))(
    "%s: backs off (≤ 2 calls in 5 s, ≤ 30 in an hour), logs once, serves nothing",
    async (name) => {
      // Prepare: the worst jitter (0: every delay at its base)
      const { clock, session, lines, calls } = setUp(HOSTILE[name] as Answer, () => 0);

      // Act
      const first = await session.acquire(750);
      await run(clock, 5 * SECOND);
      const inFiveSeconds = calls();
      await run(clock, HOUR, SECOND);

      // Assess
      expect(first).toMatchObject({
        ok: false,
        failure: { code: "UnusableCredentials", cause: "unavailable" },
      });
      expect(inFiveSeconds).toBeLessThanOrEqual(2);
      // 5, 5, 10, 20 … 160 s, then 150-300 s (equal jitter): at most 30 calls in the hour.
      expect(calls()).toBeLessThanOrEqual(30);
      expect(lines.filter((l) => l.event === "assumed")).toEqual([]);
      const loud = lines.filter((l) => l.event === "assume-failed" && l.level !== "debug");
      // Once, then a reminder every 10 minutes at most.
      expect(loud.length).toBeGreaterThanOrEqual(1);
      expect(loud.length).toBeLessThanOrEqual(7);
      expect(loud[0]).toMatchObject({ level: "warn", code: "UnusableCredentials", attempt: 1 });
      expect(String(loud[0]?.error)).toMatch(/STS answered AssumeRole/);
      expect(loud.slice(1).every((l) => Number(l.repeatedSinceLastLogged) >= 1)).toBe(true);
      expect(session.state()).toBe("pending");
    },
  );

  it.each(Object.keys(HOSTILE))(
    "%s at refresh time: the older credentials keep being served until their serve floor",
    async (name) => {
      // Prepare: good credentials first, hostile answers from the refresh on
      const hostile = HOSTILE[name] as Answer;
      const random = seededRandom(7);
      const { clock, session, calls } = setUp((now, call) => (call === 1 ? {} : hostile(now, call)), random);
      const start = clock.now();
      const first = await session.acquire(750);
      expect(first).toMatchObject({ ok: true });

      // Act: up to one second before the first credentials' serve floor (expiry - 60 s)
      const served: boolean[] = [];
      while (clock.now() + 10 * SECOND <= start + HOUR - 61 * SECOND) {
        await run(clock, 10 * SECOND, SECOND);
        const answer = await session.acquire(0);
        served.push(answer.ok && answer.credentials.accessKeyId === "ASIAFAKE1");
      }
      const refreshes = calls() - 1;
      clock.advance(start + HOUR - 59 * SECOND - clock.now());
      await settle();
      const after = await session.acquire(0);

      // Assess: 20 minutes of failed refreshes, old credentials served throughout, then none
      expect(served).not.toContain(false);
      expect(refreshes).toBeGreaterThanOrEqual(2);
      expect(refreshes).toBeLessThanOrEqual(12);
      expect(after).toMatchObject({ ok: false, failure: { code: "UnusableCredentials" } });
    },
  );

  it("logs loud again when the kind of failure changes, and after a success", async () => {
    let mode = "expired";
    const { clock, session, lines } = setUp(
      (now) =>
        mode === "expired" ? { expiresAtMs: now - SECOND } : mode === "blank" ? { accessKeyId: "" } : {},
      () => 0,
    );
    await session.acquire(0);
    await run(clock, 20 * SECOND);
    mode = "blank";
    await run(clock, 60 * SECOND);
    mode = "good";
    await run(clock, 5 * MINUTE, SECOND);
    mode = "expired";
    await run(clock, HOUR, 10 * SECOND);

    const events = lines
      .filter((l) => l.event === "assumed" || (l.event === "assume-failed" && l.level !== "debug"))
      .map((l) =>
        l.event === "assumed" ? "assumed" : String(l.error).includes("expired") ? "expired" : "blank",
      );
    expect(events.slice(0, 4)).toEqual(["expired", "blank", "assumed", "expired"]);
  });
});
