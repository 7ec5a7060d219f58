/**
 * RoleSession before it has credentials: one AssumeRole for all callers, a pending 503 after the
 * wait, a refused first AssumeRole and its backoff.
 */
import { describe, expect, it } from "vitest";
import { settle } from "../../test/support/fakeClock.js";
import { ACCESS_DENIED, credentialsOf, setUp } from "../../test/support/roleSessionFakes.js";
import { PERMANENT_BACKOFF } from "./refreshPolicy.js";

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
        code: "CredentialsPending",
        message: "the role is being assumed",
        cause: "pending",
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
      code: "AccessDenied",
      message: "not authorized to perform sts:AssumeRole",
      cause: "refused",
    });
    expect(result.ok ? 0 : result.retryAfterMs).toBe(PERMANENT_BACKOFF.floorMs);
    expect(session.state()).toBe("failed");
    expect(session.failure()?.code).toBe("AccessDenied");
  });

  it("does not retry a refused AssumeRole before the backoff, and does after", async () => {
    const { clock, fake, session } = setUp();
    const first = session.acquire(0);
    fake.fail(ACCESS_DENIED);
    await first;
    await settle();

    clock.jump(PERMANENT_BACKOFF.floorMs - 1);
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
