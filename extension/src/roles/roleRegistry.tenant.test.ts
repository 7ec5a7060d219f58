/**
 * RoleRegistry in tenant isolation mode: a tenant-scoped role is neither assumed nor served before the
 * tenant id is known, is assumed with the id put in as soon as it is, and is refused for good after a
 * second tenant id, credentials already held included. Roles without ${tenantId} go on as ever.
 */
import { describe, expect, it } from "vitest";
import { FakeClock } from "../../test/support/fakeClock.js";
import { configOf, fakeAssume, role } from "../../test/support/roleRegistryFakes.js";
import { createLogger } from "../platform/log.js";
import type { AssumeFunction } from "../sts/assumeFunction.js";
import { TenantGate } from "../tenant/tenantGate.js";
import { tenantScope } from "../tenant/tenantMode.js";
import { RoleRegistry } from "./roleRegistry.js";

const P = `\${tenantId}`;

function setUp() {
  const clock = new FakeClock();
  const fake = fakeAssume(clock);
  const seen: { role: string; tags: unknown }[] = [];
  const assume: AssumeFunction = async (config, ...rest) => {
    seen.push({ role: config.name, tags: config.parameters.Tags });
    return fake.assume(config, ...rest);
  };
  const config = configOf(role("plain"), role("scoped", { RoleSessionName: `t-${P}` }), {
    ...role("chained"),
    source: "scoped",
  });
  const withTags = {
    ...config,
    roles: new Map(
      [...config.roles].map(([name, r]) =>
        name === "scoped"
          ? [name, { ...r, parameters: { ...r.parameters, Tags: [{ Key: "tenant", Value: P }] } }]
          : [name, r],
      ),
    ),
  };
  const log = createLogger("error", () => {});
  const gate = new TenantGate(clock, log, "hint");
  const scope = tenantScope(gate, { config: withTags, clock, log });
  const registry = new RoleRegistry({
    config: withTags,
    generatedSessionName: () => "fn.instance",
    loadAssume: async () => assume,
    clock,
    random: () => 0,
    log,
    tenant: scope,
  });
  return { clock, gate, registry, calls: fake.calls, seen };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

describe("RoleRegistry with tenant-scoped roles", () => {
  it("assumes only the other roles before the tenant id is known, and answers the scoped ones pending", async () => {
    const { registry, calls } = setUp();
    await registry.refreshDue();
    expect(calls.map((call) => call.role)).toEqual(["plain"]);
    expect(registry.get("scoped")?.state()).toBe("pending");
    expect(registry.get("chained")?.state()).toBe("pending");
    expect(registry.get("plain")?.state()).toBe("ready");
  });

  it("assumes the scoped roles with the id put in as soon as it arrives, and serves a request that waited", async () => {
    const { registry, gate, calls, seen } = setUp();
    await registry.refreshDue();
    const request = registry.get("scoped")?.acquire(500);
    gate.observe("blue", "test");
    const acquired = await request;
    await settle();

    expect(acquired).toMatchObject({ ok: true });
    expect(
      calls.filter((call) => call.role !== "plain").map((call) => [call.role, call.sessionName]),
    ).toEqual([
      ["scoped", "t-blue"],
      ["chained", "fn.instance"],
    ]);
    expect(seen.find((call) => call.role === "scoped")?.tags).toEqual([{ Key: "tenant", Value: "blue" }]);
  });

  it("refuses the scoped roles for good after a second tenant id, though it holds their credentials", async () => {
    const { registry, gate } = setUp();
    gate.observe("blue", "test");
    await registry.refreshDue();
    expect(await registry.get("scoped")?.acquire(500)).toMatchObject({ ok: true });

    gate.observe("green", "test");

    for (const name of ["scoped", "chained"]) {
      expect(await registry.get(name)?.acquire(500)).toMatchObject({
        ok: false,
        failure: { code: "TenantConflict", kind: "permanent" },
      });
      expect(registry.get(name)?.state()).toBe("failed");
    }
    expect(await registry.get("plain")?.acquire(500)).toMatchObject({ ok: true });
  });

  it("refuses, without calling STS, a tenant id that does not fit the session name", async () => {
    const { registry, gate, calls } = setUp();
    gate.observe("has space", "test");
    const acquired = await registry.get("scoped")?.acquire(500);
    expect(acquired).toMatchObject({
      ok: false,
      failure: { code: "TenantIdUnusable", cause: "invalidRequest" },
    });
    expect(calls.some((call) => call.role === "scoped")).toBe(false);
  });
});
