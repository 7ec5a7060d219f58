import { describe, expect, it } from "vitest";
import { type Deferred, deferred, FakeClock, settle } from "../../test/support/fakeClock.js";
import { createLogger } from "../platform/log.js";
import type { RoleCredentials } from "./credentials.js";
import { type Acquired, RoleSession } from "./roleSession.js";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const THROTTLING = Object.assign(new Error("Rate exceeded"), {
  name: "Throttling",
  $metadata: { httpStatusCode: 400 },
});
const ACCESS_DENIED = Object.assign(new Error("not authorized to perform sts:AssumeRole"), {
  name: "AccessDenied",
  $metadata: { httpStatusCode: 403 },
});

/** A fake AssumeRole: every call waits on a deferred the test settles; credentials are numbered. */
class FakeAssume {
  readonly calls: Deferred<RoleCredentials>[] = [];
  private issued = 0;

  constructor(
    private readonly clock: FakeClock,
    private readonly lifetimeMs = 60 * MINUTE,
  ) {}

  readonly assume = (): Promise<RoleCredentials> => {
    const call = deferred<RoleCredentials>();
    this.calls.push(call);
    return call.promise;
  };

  get count(): number {
    return this.calls.length;
  }

  /** Resolves the latest call with fresh credentials issued now; returns them. */
  succeed(): RoleCredentials {
    this.issued++;
    const credentials: RoleCredentials = {
      accessKeyId: `ASIAFAKE${this.issued}`,
      secretAccessKey: `secret-${this.issued}`,
      sessionToken: `token-${this.issued}`,
      expiresAtMs: this.clock.now() + this.lifetimeMs,
      roleArn: "arn:aws:iam::123456789012:role/reader",
      assumedRoleArn: "arn:aws:sts::123456789012:assumed-role/reader/session",
      accountId: "123456789012",
      sessionName: "session",
    };
    this.latest().resolve(credentials);
    return credentials;
  }

  fail(error: unknown): void {
    this.latest().reject(error);
  }

  private latest(): Deferred<RoleCredentials> {
    const call = this.calls.at(-1);
    if (call === undefined) throw new Error("assume was not called");
    return call;
  }
}

function setUp(options: { lifetimeMs?: number; random?: number } = {}) {
  const clock = new FakeClock();
  const fake = new FakeAssume(clock, options.lifetimeMs);
  const lines: string[] = [];
  const session = new RoleSession({
    name: "reader",
    settings: { refreshBeforeExpirySeconds: 1200 },
    assume: fake.assume,
    clock,
    random: () => options.random ?? 0,
    log: createLogger("debug", (line) => lines.push(line)),
  });
  return { clock, fake, session, lines };
}

/** Prepares a session that holds one set of credentials issued at the clock's start. */
async function withCredentials(options: { lifetimeMs?: number; random?: number } = {}) {
  const context = setUp(options);
  const first = context.session.acquire(0);
  const credentials = context.fake.succeed();
  await first;
  await settle();
  return { ...context, credentials, startMs: context.clock.now() };
}

function credentialsOf(acquired: Acquired): RoleCredentials {
  if (!acquired.ok) throw new Error(`expected credentials, got ${acquired.failure.code}`);
  return acquired.credentials;
}

describe("RoleSession at cold start", () => {
  it("makes one AssumeRole call for 1,000 concurrent callers and gives all of them its credentials", async () => {
    // Prepare
    const { fake, session } = setUp();

    // Act
    const pending = Array.from({ length: 1000 }, () => session.acquire(750));
    const credentials = fake.succeed();
    const results = await Promise.all(pending);

    // Assess
    expect(fake.count).toBe(1);
    expect(results.every((r) => r.ok && r.credentials === credentials)).toBe(true);
    expect(session.state()).toBe("ready");
  });

  it("answers a pending 503 after waitMs while AssumeRole hangs, then serves once it answers", async () => {
    // Prepare
    const { clock, fake, session } = setUp();
    const waiting = session.acquire(750);

    // Act
    clock.advance(750);
    const early = await waiting;

    // Assess
    expect(early).toEqual({
      ok: false,
      failure: {
        kind: "retryable",
        cause: "pending",
        code: "CredentialsPending",
        message: "the role is being assumed",
      },
      retryAfterMs: 1000,
    });
    expect(session.state()).toBe("pending");

    // Act
    const credentials = fake.succeed();
    await settle();
    const later = await session.acquire(750);

    // Assess
    expect(credentialsOf(later)).toBe(credentials);
    expect(fake.count).toBe(1);
  });

  it("still waits when the clock has not reached waitMs", async () => {
    const { clock, fake, session } = setUp();
    let answered = false;
    const waiting = session.acquire(750).then((r) => {
      answered = true;
      return r;
    });

    clock.advance(749);
    await settle();
    expect(answered).toBe(false);

    const credentials = fake.succeed();
    expect(credentialsOf(await waiting)).toBe(credentials);
  });

  it("reports a permanent failure when the first AssumeRole is refused", async () => {
    // Prepare
    const { fake, session } = setUp();
    const waiting = session.acquire(750);

    // Act
    fake.fail(ACCESS_DENIED);
    const result = await waiting;

    // Assess
    expect(result.ok).toBe(false);
    expect(result.ok ? undefined : result.failure).toEqual({
      kind: "permanent",
      cause: "refused",
      code: "AccessDenied",
      message: "not authorized to perform sts:AssumeRole",
    });
    expect(result.ok ? 0 : result.retryAfterMs).toBe(30_000);
    expect(session.state()).toBe("failed");
    expect(session.failure()?.code).toBe("AccessDenied");
  });

  it("does not retry a refused AssumeRole before the backoff, and does after", async () => {
    const { clock, fake, session } = setUp();
    const first = session.acquire(0);
    fake.fail(ACCESS_DENIED);
    await first;
    await settle();

    clock.jump(30_000 - 1);
    await session.acquire(0);
    expect(fake.count).toBe(1);

    clock.jump(1);
    const retry = session.acquire(750);
    expect(fake.count).toBe(2);
    const credentials = fake.succeed();
    expect(credentialsOf(await retry)).toBe(credentials);
    expect(session.failure()).toBeUndefined();
  });
});

describe("RoleSession refresh", () => {
  it("does not call AssumeRole again before refreshAt", async () => {
    // Prepare: one hour of credentials, refreshAt 20 minutes before expiry (random 0).
    const { clock, fake, session, credentials } = await withCredentials();

    // Act
    clock.jump(40 * MINUTE - 1);
    const result = await session.acquire(750);

    // Assess
    expect(credentialsOf(result)).toBe(credentials);
    expect(fake.count).toBe(1);
  });

  it("refreshes once for concurrent callers after refreshAt, serving the old credentials meanwhile", async () => {
    // Prepare: time jumps past refreshAt without the timer running, like a thawed sandbox.
    const { clock, fake, session, credentials: old } = await withCredentials();
    clock.jump(40 * MINUTE);

    // Act
    const during = await Promise.all(Array.from({ length: 100 }, () => session.acquire(750)));

    // Assess
    expect(fake.count).toBe(2);
    expect(during.every((r) => r.ok && r.credentials === old)).toBe(true);

    // Act
    const fresh = fake.succeed();
    await settle();
    const after = await session.acquire(750);
    clock.advance(0); // the stale refresh timer runs late: nothing is due any more

    // Assess
    expect(credentialsOf(after)).toBe(fresh);
    expect(fake.count).toBe(2);
  });

  it("fires the refresh timer at refreshAt, jitter included", async () => {
    // Prepare: random 0.5 moves refreshAt 5% of the 20-minute margin later: 41 minutes in.
    const { clock, fake } = await withCredentials({ random: 0.5 });

    // Act + Assess
    clock.advance(41 * MINUTE - 1);
    expect(fake.count).toBe(1);
    clock.advance(1);
    expect(fake.count).toBe(2);
  });

  it("keeps serving the old credentials when a refresh is throttled, and backs off", async () => {
    // Prepare
    const { clock, fake, session, credentials: old } = await withCredentials();
    clock.jump(40 * MINUTE);
    await session.acquire(750);
    expect(fake.count).toBe(2);

    // Act
    fake.fail(THROTTLING);
    await settle();
    const during = await session.acquire(750);

    // Assess: first backoff with random 0 is the 500 ms base.
    expect(credentialsOf(during)).toBe(old);
    expect(session.failure()?.code).toBe("Throttling");
    expect(session.state()).toBe("ready");

    clock.jump(499);
    await session.acquire(750);
    expect(fake.count).toBe(2);

    clock.jump(1);
    const retried = await session.acquire(750);
    expect(fake.count).toBe(3);
    expect(credentialsOf(retried)).toBe(old);
  });

  it("retries a throttled refresh from its timer", async () => {
    const { clock, fake } = await withCredentials();
    clock.advance(40 * MINUTE);
    fake.fail(THROTTLING);
    await settle();

    clock.advance(499);
    expect(fake.count).toBe(2);
    clock.advance(1);
    expect(fake.count).toBe(3);
  });

  it("never serves credentials past serveUntil, even while refreshes fail", async () => {
    // Prepare: refreshes keep being throttled until 60 s before expiry.
    const { clock, fake, session, startMs, credentials } = await withCredentials();
    const serveUntil = credentials.expiresAtMs - MINUTE;
    clock.jump(serveUntil - 1 - startMs);
    const lastServed = await session.acquire(750);
    fake.fail(THROTTLING);
    await settle();

    // Act
    clock.jump(1);
    const refused = await session.acquire(750);

    // Assess
    expect(credentialsOf(lastServed)).toBe(credentials);
    expect(refused.ok).toBe(false);
    expect("credentials" in refused).toBe(false);
    expect(refused.ok ? undefined : refused.failure.code).toBe("Throttling");
    expect(session.state()).toBe("pending");
  });

  it("answers a failure, not expired credentials, when the refresh after expiry fails", async () => {
    const { clock, fake, session } = await withCredentials();
    clock.jump(2 * 60 * MINUTE);

    const waiting = session.acquire(750);
    fake.fail(ACCESS_DENIED);
    const result = await waiting;

    expect(result.ok).toBe(false);
    expect(result.ok ? undefined : result.failure.kind).toBe("permanent");
  });

  it("does not call AssumeRole on every request for a 900 s session", async () => {
    // Prepare: AssumeRole answers at once with 900 s credentials.
    const clock = new FakeClock();
    let calls = 0;
    const session = new RoleSession({
      name: "short",
      settings: { refreshBeforeExpirySeconds: 1200 },
      clock,
      random: () => 0.5,
      log: createLogger("error", () => {}),
      assume: async () => {
        calls++;
        return {
          accessKeyId: `ASIA${calls}`,
          secretAccessKey: "s",
          sessionToken: "t",
          expiresAtMs: clock.now() + 900 * SECOND,
          roleArn: "arn:aws:iam::123456789012:role/short",
          assumedRoleArn: "",
          sessionName: "n",
        };
      },
    });

    // Act: 1,000 requests spread over one lifetime.
    const results: Acquired[] = [];
    for (let i = 0; i < 1000; i++) {
      results.push(await session.acquire(750));
      clock.jump(900);
    }

    // Assess
    expect(results.every((r) => r.ok)).toBe(true);
    expect(calls).toBeGreaterThanOrEqual(2);
    expect(calls).toBeLessThanOrEqual(3);
  });
});

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
  /** Runs timers for `ms` and lets the attempts they start settle. */
  async function run(clock: FakeClock, ms: number, step = SECOND): Promise<void> {
    for (let passed = 0; passed < ms; passed += step) {
      clock.advance(step);
      await settle();
    }
  }

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
      await run(clock, 6 * MINUTE, 10 * SECOND);
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
    const clock = new FakeClock();
    const fake = new FakeAssume(clock);
    const lines: string[] = [];
    const session = new RoleSession({
      name: "reader",
      settings: { refreshBeforeExpirySeconds: 1200 },
      assume: fake.assume,
      clock,
      random: () => 0,
      log: createLogger("debug", (line) => lines.push(line)),
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
    await run(clock, 2 * MINUTE, 10 * SECOND);
    fake.succeed();
    await settle();

    // Assess: the failure and the success both happened, were logged, and a timer is set
    expect(fake.count).toBe(2);
    expect(session.state()).toBe("ready");
    expect(lines.filter((line) => line.includes('"event":"internal-error"'))).toHaveLength(2);
    expect(clock.pendingTimers()).toBe(1);
  });
});
