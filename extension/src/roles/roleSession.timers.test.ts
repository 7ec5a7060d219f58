/**
 * RoleSession's timers: cancelled on stop(), none left behind, and a timer chain that no failure,
 * wall-clock step or broken bookkeeping can end (all that keeps credentials fresh where nothing else
 * wakes the sidecar).
 */
import { describe, expect, it } from "vitest";
import { runTimers, settle } from "../../test/support/fakeClock.js";
import {
  ACCESS_DENIED,
  FakeAssume,
  MINUTE,
  SECOND,
  setUp,
  THROTTLING,
  withCredentials,
} from "../../test/support/roleSessionFakes.js";
import { createLogger } from "../platform/log.js";
import { RoleSession } from "./roleSession.js";

describe("RoleSession timers", () => {
  it("cancels its refresh timer on stop() and assumes nothing afterwards", async () => {
    // Prepare
    const { clock, fake, session } = await withCredentials();
    expect(clock.pendingTimers()).toBe(1);

    // Act
    session.stop();
    clock.advance(2 * 60 * MINUTE);
    await session.refreshIfDue();

    // Assess
    expect(clock.pendingTimers()).toBe(0);
    expect(fake.count).toBe(1);
  });

  it("schedules the refresh at refreshAt through the clock", async () => {
    const { clock, startMs } = await withCredentials();

    expect(clock.pendingDueTimes()).toEqual([startMs + 40 * MINUTE]);
  });

  it("leaves no wait timer behind once a caller has its answer", async () => {
    const { clock, fake, session } = setUp();
    const waiting = Promise.all([session.acquire(750), session.acquire(750)]);
    expect(clock.pendingTimers()).toBe(2);

    fake.succeed();
    await waiting;

    expect(clock.pendingDueTimes()).toEqual([clock.now() + 40 * MINUTE]);
  });

  it("logs the assumption without credential material", async () => {
    const { lines, credentials } = await withCredentials();

    const assumed = lines.map((line) => JSON.parse(line)).find((record) => record.event === "assumed");

    expect(assumed).toMatchObject({ level: "info", role: "reader", sessionName: "session" });
    const all = lines.join("\n");
    for (const secret of [credentials.secretAccessKey, credentials.sessionToken, credentials.accessKeyId]) {
      expect(all).not.toContain(secret);
    }
  });
});

/**
 * Where nothing wakes the sidecar (Managed Instances: no INVOKE event, the environment lives for
 * hours), the timer chain alone keeps credentials fresh: no path may end it.
 */
describe("RoleSession timer chain with no requests", () => {
  it.each([
    ["Throttling", THROTTLING],
    ["AccessDenied", ACCESS_DENIED],
    ["a network error", Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })],
    ["a non-Error value", "garbage"],
    ["undefined", undefined],
  ])("keeps retrying after 12 failures in a row (%s), then recovers", async (_name, error) => {
    // Prepare: the first attempt, started by nobody but start-up
    const { clock, fake, session } = setUp({ random: 0.5 });
    void session.refreshIfDue();

    // Act: every attempt fails; only timers run
    for (let failed = 0; failed < 12; failed++) {
      const before = fake.count;
      fake.fail(error);
      await settle();
      expect(clock.pendingTimers()).toBe(1);
      // The backoff is at most 5 minutes (permanent errors): the next attempt comes within it.
      await runTimers(clock, 6 * MINUTE, 10 * SECOND);
      expect(fake.count).toBe(before + 1);
    }
    fake.succeed();
    await settle();

    // Assess
    expect(session.state()).toBe("ready");
    expect(clock.pendingDueTimes()).toEqual([expect.any(Number)]);
  });

  it.each([1, 999, 60 * SECOND, 60 * MINUTE])(
    "refreshes although its timer fired %i ms before now() reached refreshAt (wall clock stepped back)",
    async (stepBackMs) => {
      // Prepare: a clock whose wall time steps back once, after the refresh timer was set
      const { clock: fake, session: probe } = setUp();
      probe.stop();
      let skewMs = 0;
      const clock = {
        now: () => fake.now() - skewMs,
        schedule: (fn: () => void, ms: number) => fake.schedule(fn, ms),
      };
      const assume = new FakeAssume(fake);
      const session = new RoleSession({
        name: "reader",
        settings: { refreshBeforeExpirySeconds: 1200 },
        assume: assume.assume,
        clock,
        random: () => 0,
        log: createLogger("error", () => undefined),
      });
      void session.refreshIfDue();
      assume.succeed();
      await settle();

      // Act: the timer fires on time by the monotonic clock, early by the wall clock
      skewMs = stepBackMs;
      const [refreshTimer] = fake.pendingDueTimes() as [number];
      fake.advance(refreshTimer - fake.now());
      await settle();
      const atTimer = assume.count;
      fake.advance(stepBackMs);
      await settle();

      // Assess: no refresh before its time, one once the wall clock got there
      expect(atTimer).toBe(1);
      expect(assume.count).toBe(2);
      session.stop();
    },
  );

  it("goes on when its own bookkeeping throws (a metrics sink that fails), without rejecting", async () => {
    // Prepare
    const { clock, fake, session, lines } = setUp({
      metrics: {
        assumed: () => {
          throw new Error("sink broken");
        },
        assumeFailed: () => {
          throw new Error("sink broken");
        },
        served: () => undefined,
        flush: () => undefined,
      },
    });

    // Act
    const first = session.refreshIfDue();
    fake.fail(THROTTLING);
    await first;
    await runTimers(clock, 2 * MINUTE, 10 * SECOND);
    fake.succeed();
    await settle();

    // Assess: the failure and the success both happened, were logged, and a timer is set
    expect(fake.count).toBe(2);
    expect(session.state()).toBe("ready");
    expect(lines.filter((line) => line.includes('"event":"internal-error"'))).toHaveLength(2);
    expect(clock.pendingTimers()).toBe(1);
  });
});
