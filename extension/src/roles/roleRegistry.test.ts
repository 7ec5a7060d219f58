import { describe, expect, it } from "vitest";
import { deferred, FakeClock } from "../../test/support/fakeClock.js";
import type { RoleConfig, SidecarConfig } from "../config/types.js";
import { createLogger } from "../platform/log.js";
import type { RoleCredentials } from "./credentials.js";
import { type AssumeFunction, RoleRegistry } from "./roleRegistry.js";

const HOUR = 3_600_000;
const ACCESS_DENIED = Object.assign(new Error("not authorized"), {
  name: "AccessDenied",
  $metadata: { httpStatusCode: 403 },
});

function role(name: string, extra: Partial<RoleConfig> & { RoleSessionName?: string } = {}): RoleConfig {
  const { RoleSessionName, ...rest } = extra;
  return {
    name,
    parameters: {
      RoleArn: `arn:aws:iam::123456789012:role/${name}`,
      DurationSeconds: 3600,
      ...(RoleSessionName !== undefined ? { RoleSessionName } : {}),
    },
    refreshBeforeExpirySeconds: 1200,
    ...rest,
  };
}

function configOf(...roles: RoleConfig[]): SidecarConfig {
  return { roles: new Map(roles.map((r) => [r.name, r])) };
}

interface Call {
  readonly role: string;
  readonly sessionName: string;
  readonly sourceCredentials: RoleCredentials | undefined;
  readonly sourceIdentity: string | undefined;
}

/** An AssumeFunction that reads its source (as the STS client would) and fails for the named roles. */
function fakeAssume(clock: FakeClock, failing: ReadonlySet<string> = new Set()) {
  const calls: Call[] = [];
  const assume: AssumeFunction = async (config, sessionName, source, sourceIdentity) => {
    const sourceCredentials = source === undefined ? undefined : await source();
    calls.push({ role: config.name, sessionName, sourceCredentials, sourceIdentity });
    if (failing.has(config.name)) throw ACCESS_DENIED;
    return {
      accessKeyId: `ASIA-${config.name}`,
      secretAccessKey: `secret-${config.name}`,
      sessionToken: `token-${config.name}`,
      expiresAtMs: clock.now() + HOUR,
      roleArn: config.parameters.RoleArn,
      assumedRoleArn: "",
      sessionName,
    };
  };
  return { calls, assume };
}

function registryOf(
  config: SidecarConfig,
  assume: AssumeFunction,
  clock: FakeClock,
  generatedSessionName: () => string = () => "fn.instance",
) {
  let loads = 0;
  const registry = new RoleRegistry({
    config,
    generatedSessionName,
    loadAssume: async () => {
      loads++;
      return assume;
    },
    clock,
    random: () => 0,
    log: createLogger("error", () => {}),
  });
  return { registry, loads: () => loads };
}

function session(registry: RoleRegistry, name: string) {
  const found = registry.get(name);
  if (found === undefined) throw new Error(`no session ${name}`);
  return found;
}

describe("RoleRegistry", () => {
  it("has a session for every configured role", () => {
    const clock = new FakeClock();
    const { registry } = registryOf(configOf(role("a"), role("b")), fakeAssume(clock).assume, clock);

    expect(registry.names()).toEqual(["a", "b"]);
    expect(registry.get("c")).toBeUndefined();
  });

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
      cause: "refused",
      code: "SourceRole.AccessDenied",
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

describe("RoleRegistry.untilSettled (init on Managed Instances)", () => {
  const THROTTLING = Object.assign(new Error("Rate exceeded"), {
    name: "Throttling",
    $metadata: { httpStatusCode: 400 },
  });

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
