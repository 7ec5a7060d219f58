import { afterEach, describe, expect, it, vi } from "vitest";
import { type MockRuntimeApi, startMockRuntimeApi } from "../../devkit/mockRuntimeApi/mockRuntimeApi.js";
import { createLogger } from "../platform/log.js";
import type { Metrics } from "../platform/metrics.js";
import { ExtensionsApi } from "./extensionsApi.js";
import { eventsToRegister, flushPeriodically, isManagedInstances } from "./managedInstances.js";

let mock: MockRuntimeApi | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

describe("isManagedInstances", () => {
  it.each([
    ["lambda-managed-instances", true],
    [" lambda-managed-instances\n", true],
    ["on-demand", false],
    ["provisioned-concurrency", false],
    ["snap-start", false],
    ["", false],
    [undefined, false],
    ["LAMBDA-MANAGED-INSTANCES", false],
  ])("AWS_LAMBDA_INITIALIZATION_TYPE=%j → %s", (value, expected) => {
    expect(isManagedInstances({ AWS_LAMBDA_INITIALIZATION_TYPE: value })).toBe(expected);
  });
});

describe("ExtensionsApi.register against the mock Runtime API", () => {
  it("on Managed Instances asks for SHUTDOWN only and is never refused", async () => {
    mock = await startMockRuntimeApi({ managedInstances: true });
    const api = new ExtensionsApi(mock.address, eventsToRegister(true));

    const registration = await api.register();

    expect(registration.events).toEqual(["SHUTDOWN"]);
    expect((await mock.waitForRegistered("credentials-sidecar")).events).toEqual(["SHUTDOWN"]);
    expect(mock.refusedRegistrations).toEqual([]);
  });

  it("falls back to SHUTDOWN only when INVOKE is refused although the variable was missing", async () => {
    mock = await startMockRuntimeApi({ managedInstances: true });
    const api = new ExtensionsApi(mock.address, eventsToRegister(false));

    const registration = await api.register();

    expect(registration.events).toEqual(["SHUTDOWN"]);
    expect(mock.refusedRegistrations).toHaveLength(1);
    expect((await mock.waitForRegistered("credentials-sidecar")).events).toEqual(["SHUTDOWN"]);
  });

  it("registers INVOKE and SHUTDOWN on demand", async () => {
    mock = await startMockRuntimeApi();
    const registration = await new ExtensionsApi(mock.address, eventsToRegister(false)).register();

    expect(registration.events).toEqual(["INVOKE", "SHUTDOWN"]);
  });
});

describe("flushPeriodically", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("keeps flushing every interval after a flush throws, and stops when told", () => {
    // Prepare
    vi.useFakeTimers();
    const lines: string[] = [];
    let flushes = 0;
    const metrics: Metrics = {
      assumed: () => undefined,
      assumeFailed: () => undefined,
      served: () => undefined,
      flush: () => {
        flushes++;
        if (flushes === 1) throw new Error("stdout gone");
      },
    };

    // Act
    const stop = flushPeriodically(
      metrics,
      createLogger("debug", (line) => lines.push(line)),
      60_000,
    );
    vi.advanceTimersByTime(59_999);
    const beforeFirst = flushes;
    vi.advanceTimersByTime(2 * 60_000 + 1);
    stop();
    vi.advanceTimersByTime(10 * 60_000);

    // Assess
    expect(beforeFirst).toBe(0);
    expect(flushes).toBe(3);
    expect(lines.filter((line) => line.includes('"event":"internal-error"'))).toHaveLength(1);
  });
});
