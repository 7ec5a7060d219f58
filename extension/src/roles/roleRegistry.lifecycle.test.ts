/**
 * RoleRegistry's life: a session per role, the STS side loaded once on first use (and again after a
 * failed load), refreshDueWithin's limit, and stop().
 */
import { describe, expect, it } from "vitest";
import { deferred, FakeClock } from "../../test/support/fakeClock.js";
import {
  configOf,
  fakeAssume,
  HOUR,
  registryOf,
  role,
  session,
} from "../../test/support/roleRegistryFakes.js";
import { createLogger } from "../platform/log.js";
import type { RoleCredentials } from "../sts/credentials.js";
import { RoleRegistry } from "./roleRegistry.js";

describe("RoleRegistry", () => {
  it("has a session for every configured role", () => {
    const clock = new FakeClock();
    const { registry } = registryOf(configOf(role("a"), role("b")), fakeAssume(clock).assume, clock);

    expect(registry.names()).toEqual(["a", "b"]);
    expect(registry.get("c")).toBeUndefined();
  });

  it("loads the STS side once, on first use", async () => {
    const clock = new FakeClock();
    const { registry, loads } = registryOf(configOf(role("a"), role("b")), fakeAssume(clock).assume, clock);
    expect(loads()).toBe(0);

    await registry.refreshDue();

    expect(loads()).toBe(1);
  });

  it("stops waiting after refreshDueWithin's limit while AssumeRole hangs", async () => {
    // Prepare
    const clock = new FakeClock();
    const hanging = deferred<RoleCredentials>();
    const { registry } = registryOf(configOf(role("slow")), () => hanging.promise, clock);

    // Act
    const settled = registry.refreshDueWithin(5000);
    await Promise.resolve();
    clock.advance(5000);

    // Assess
    expect(await settled).toBe(false);
  });

  it("says refreshDueWithin settled when every role answered in time", async () => {
    const clock = new FakeClock();
    const { registry } = registryOf(configOf(role("a")), fakeAssume(clock).assume, clock);

    expect(await registry.refreshDueWithin(5000)).toBe(true);
  });

  it("stops every session's timers", async () => {
    const clock = new FakeClock();
    const fake = fakeAssume(clock);
    const { registry } = registryOf(configOf(role("a"), role("b")), fake.assume, clock);
    await registry.refreshDue();
    expect(clock.pendingTimers()).toBe(2);

    registry.stop();
    clock.advance(2 * HOUR);

    expect(clock.pendingTimers()).toBe(0);
    expect(fake.calls).toHaveLength(2);
  });
});

describe("RoleRegistry loading the STS client", () => {
  it("loads it again on the next attempt after a failed load, instead of failing for good", async () => {
    // Prepare: the first load fails (too many open files during a burst), the second works
    const clock = new FakeClock();
    const fake = fakeAssume(clock);
    let loads = 0;
    const registry = new RoleRegistry({
      config: configOf(role("only")),
      generatedSessionName: () => "fn.instance",
      loadAssume: async () => {
        loads++;
        if (loads === 1) throw Object.assign(new Error("EMFILE: too many open files"), { code: "EMFILE" });
        return fake.assume;
      },
      clock,
      random: () => 0,
      log: createLogger("error", () => {}),
    });

    // Act
    await registry.refreshDue();
    const failedFirst = session(registry, "only").state();
    clock.advance(60_000);
    await registry.refreshDue();

    // Assess
    expect(failedFirst).toBe("pending");
    expect(loads).toBe(2);
    expect(session(registry, "only").state()).toBe("ready");
    registry.stop();
  });
});
