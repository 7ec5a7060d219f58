/**
 * RoleRegistry naming sessions: RoleSessionName or the generated name, chosen when each assumption
 * starts, and the generated name as SourceIdentity for roles that ask for it.
 */
import { describe, expect, it } from "vitest";
import { FakeClock } from "../../test/support/fakeClock.js";
import {
  configOf,
  fakeAssume,
  HOUR,
  registryOf,
  role,
  session,
} from "../../test/support/roleRegistryFakes.js";

describe("RoleRegistry", () => {
  it("names sessions by RoleSessionName, else the generated name", async () => {
    const clock = new FakeClock();
    const fake = fakeAssume(clock);
    const { registry } = registryOf(
      configOf(role("named", { RoleSessionName: "custom" }), role("plain")),
      fake.assume,
      clock,
    );

    await registry.refreshDue();

    expect(Object.fromEntries(fake.calls.map((c) => [c.role, c.sessionName]))).toEqual({
      named: "custom",
      plain: "fn.instance",
    });
  });

  it("names each assumption when it starts, so a later one carries a better instance id", async () => {
    // Prepare: the name changes between the first assumption and the refresh (the wrapper reported
    // the log stream after the first AssumeRole went out).
    const clock = new FakeClock();
    const fake = fakeAssume(clock);
    let generated = "fn.sidecar-id";
    const { registry } = registryOf(configOf(role("plain")), fake.assume, clock, () => generated);
    await registry.refreshDue();

    // Act
    generated = "fn.log-stream-id";
    clock.advance(HOUR - 1200_000);
    await session(registry, "plain").refreshIfDue();

    // Assess
    expect(fake.calls.map((c) => c.sessionName)).toEqual(["fn.sidecar-id", "fn.log-stream-id"]);
  });

  it("sends the generated name as SourceIdentity only for roles that generate one", async () => {
    const clock = new FakeClock();
    const fake = fakeAssume(clock);
    const { registry } = registryOf(
      configOf(
        role("traced", { generateSourceIdentity: true }),
        role("tracedNamed", { generateSourceIdentity: true, RoleSessionName: "custom" }),
        role("plain"),
      ),
      fake.assume,
      clock,
    );

    await registry.refreshDue();

    expect(Object.fromEntries(fake.calls.map((c) => [c.role, [c.sessionName, c.sourceIdentity]]))).toEqual({
      traced: ["fn.instance", "fn.instance"],
      tracedNamed: ["custom", "fn.instance"],
      plain: ["fn.instance", undefined],
    });
  });
});
