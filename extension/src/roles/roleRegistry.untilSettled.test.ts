/**
 * RoleRegistry.untilSettled, the init wait on Managed Instances: through throttling until every role
 * is ready, up to its deadline, and not for a role refused for good.
 */
import { describe, expect, it } from "vitest";
import { FakeClock } from "../../test/support/fakeClock.js";
import { configOf, fakeAssume, registryOf, role, session } from "../../test/support/roleRegistryFakes.js";
import { THROTTLING } from "../../test/support/roleSessionFakes.js";
import type { AssumeFunction } from "../sts/assumeFunction.js";

describe("RoleRegistry.untilSettled (init on Managed Instances)", () => {
  /** STS throttles the first `throttled` calls (all roles together), then `then` decides. */
  function throttlingAssume(throttled: number, then: AssumeFunction) {
    let calls = 0;
    const assume: AssumeFunction = async (config, sessionName, source) => {
      calls++;
      if (calls <= throttled) throw THROTTLING;
      return then(config, sessionName, source);
    };
    return { assume, calls: () => calls };
  }

  /** Runs timers second by second until `promise` settles or `maxMs` passed; returns when it did. */
  async function runUntil<T>(clock: FakeClock, promise: Promise<T>, maxMs: number) {
    let result: { value: T } | undefined;
    void promise.then((value) => {
      result = { value };
    });
    const startMs = clock.now();
    for (let i = 0; i <= maxMs / 1000 && result === undefined; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      if (result === undefined) clock.advance(1000);
    }
    await new Promise((resolve) => setImmediate(resolve));
    return { result, afterMs: clock.now() - startMs };
  }

  it.each([0, 1, 3, 6])(
    "waits through %i throttled calls, retried on the sessions' timers, until both roles are ready",
    async (throttled) => {
      const clock = new FakeClock();
      const sts = throttlingAssume(throttled, fakeAssume(clock).assume);
      const { registry } = registryOf(
        configOf(role("base"), role("chained", { source: "base" })),
        sts.assume,
        clock,
      );

      await registry.refreshDue();
      const { result } = await runUntil(clock, registry.untilSettled(60_000), 70_000);

      expect(result?.value).toBe(true);
      expect(registry.names().map((name) => session(registry, name).state())).toEqual(["ready", "ready"]);
    },
  );

  it("gives up at the deadline while STS keeps throttling, and the retries go on", async () => {
    const clock = new FakeClock();
    const sts = throttlingAssume(Number.POSITIVE_INFINITY, fakeAssume(clock).assume);
    const { registry } = registryOf(configOf(role("only")), sts.assume, clock);

    await registry.refreshDue();
    const { result, afterMs } = await runUntil(clock, registry.untilSettled(60_000), 120_000);
    const callsAtDeadline = sts.calls();
    await runUntil(clock, new Promise(() => undefined), 120_000);

    expect(result?.value).toBe(false);
    expect(afterMs).toBeGreaterThanOrEqual(60_000);
    expect(afterMs).toBeLessThanOrEqual(61_000);
    expect(sts.calls()).toBeGreaterThan(callsAtDeadline);
    registry.stop();
  });

  it("does not wait for a role refused for good (AccessDenied): that is settled", async () => {
    const clock = new FakeClock();
    const { registry } = registryOf(
      configOf(role("denied"), role("fine")),
      fakeAssume(clock, new Set(["denied"])).assume,
      clock,
    );

    await registry.refreshDue();
    const { result, afterMs } = await runUntil(clock, registry.untilSettled(60_000), 70_000);

    expect(result?.value).toBe(true);
    expect(afterMs).toBe(0);
  });
});
