/**
 * RoleRegistry and role chains: a chained role assumed with its source's credentials, a refused
 * source reported as SourceRole.<code>, and one role's failure kept from the others.
 */
import { describe, expect, it } from "vitest";
import { FakeClock } from "../../test/support/fakeClock.js";
import { configOf, fakeAssume, registryOf, role, session } from "../../test/support/roleRegistryFakes.js";

describe("RoleRegistry", () => {
  it("assumes a chained role with its source role's credentials", async () => {
    // Prepare
    const clock = new FakeClock();
    const fake = fakeAssume(clock);
    const { registry } = registryOf(
      configOf(role("base"), role("chained", { source: "base" })),
      fake.assume,
      clock,
    );

    // Act
    const chained = await session(registry, "chained").acquire(750);
    const base = await session(registry, "base").acquire(750);

    // Assess
    expect(chained.ok && chained.credentials.accessKeyId).toBe("ASIA-chained");
    expect(base.ok).toBe(true);
    const chainedCall = fake.calls.find((c) => c.role === "chained");
    expect(chainedCall?.sourceCredentials).toBe(base.ok ? base.credentials : undefined);
    expect(fake.calls.find((c) => c.role === "base")?.sourceCredentials).toBeUndefined();
    expect(fake.calls.filter((c) => c.role === "base")).toHaveLength(1);
  });

  it("reports a chained role whose source is refused as SourceRole.<code>", async () => {
    // Prepare
    const clock = new FakeClock();
    const fake = fakeAssume(clock, new Set(["base"]));
    const { registry } = registryOf(
      configOf(role("base"), role("chained", { source: "base" })),
      fake.assume,
      clock,
    );

    // Act
    const result = await session(registry, "chained").acquire(750);

    // Assess
    expect(result.ok).toBe(false);
    expect(result.ok ? undefined : result.failure).toMatchObject({
      kind: "permanent",
      code: "SourceRole.AccessDenied",
      cause: "refused",
    });
    expect(fake.calls.map((c) => c.role)).toEqual(["base"]);
  });

  it("keeps one role's failure away from the others", async () => {
    // Prepare
    const clock = new FakeClock();
    const fake = fakeAssume(clock, new Set(["broken"]));
    const { registry } = registryOf(configOf(role("broken"), role("fine")), fake.assume, clock);

    // Act
    await registry.refreshDue();

    // Assess
    expect(session(registry, "broken").state()).toBe("failed");
    expect(session(registry, "fine").state()).toBe("ready");
    const fine = await session(registry, "fine").acquire(0);
    expect(fine.ok && fine.credentials.accessKeyId).toBe("ASIA-fine");
  });

  // Each a source that names no session: absent, another case, padded, empty. The control is the
  // first test above, where the source names a configured role and is used.
  it.each(["missing", "Base", "base ", ""])(
    "refuses a chained role whose source %j names no role, instead of assuming it with the base credentials",
    (source) => {
      // Prepare
      const clock = new FakeClock();
      const fake = fakeAssume(clock);
      const config = configOf(role("base"), role("chained", { source }));

      // Act
      const build = () => registryOf(config, fake.assume, clock);

      // Assess
      expect(build).toThrow(`role chained: source ${JSON.stringify(source)} names no configured role`);
      expect(fake.calls).toEqual([]);
    },
  );
});
