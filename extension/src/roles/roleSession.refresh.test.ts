/**
 * RoleSession once it holds credentials: refresh at refreshAt (jitter included), old credentials
 * served while a refresh fails or backs off, and never past serveUntil.
 */
import { describe, expect, it } from "vitest";
import { FakeClock, settle } from "../../test/support/fakeClock.js";
import {
  ACCESS_DENIED,
  credentialsOf,
  MINUTE,
  SECOND,
  THROTTLING,
  withCredentials,
} from "../../test/support/roleSessionFakes.js";
import { createLogger } from "../platform/log.js";
import { RETRYABLE_BACKOFF } from "./refreshPolicy.js";
import { type Acquired, RoleSession } from "./roleSession.js";

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

    // Assess: first backoff with random 0 is the floor.
    expect(credentialsOf(during)).toBe(old);
    expect(session.failure()?.code).toBe("Throttling");
    expect(session.state()).toBe("ready");

    clock.jump(RETRYABLE_BACKOFF.floorMs - 1);
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

    clock.advance(RETRYABLE_BACKOFF.floorMs - 1);
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
