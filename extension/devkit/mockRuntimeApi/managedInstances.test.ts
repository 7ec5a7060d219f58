// The mock as Lambda Managed Instances: INVOKE registration refused, no INVOKE events.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { leaveOpen } from "../../test/support/runtimeApiClient.js";
import { type MockRuntimeApi, startMockRuntimeApi } from "./mockRuntimeApi.js";

describe("Managed Instances mode", () => {
  let managed: MockRuntimeApi;
  const managedUrl = (path: string) => `http://${managed.address}${path}`;
  const registerManaged = (name: string, events: unknown) =>
    fetch(managedUrl("/2020-01-01/extension/register"), {
      method: "POST",
      headers: { "Lambda-Extension-Name": name },
      body: JSON.stringify({ events }),
    });

  beforeEach(async () => {
    managed = await startMockRuntimeApi({ managedInstances: true });
  });
  afterEach(async () => {
    await managed.close();
  });

  it.each([[["INVOKE", "SHUTDOWN"]], [["INVOKE"]], [["SHUTDOWN", "INVOKE"]]])(
    "refuses %j as Lambda does: 403 Extension.InvalidEventType naming INVOKE, nothing registered",
    async (events) => {
      const res = await registerManaged("old-style", events);

      expect(res.status).toBe(403);
      expect(res.headers.get("lambda-extension-identifier")).toBeNull();
      expect(await res.json()).toEqual({
        errorType: "Extension.InvalidEventType",
        errorMessage: "INVOKE: ErrorInvalidEventType",
      });
      expect(managed.refusedRegistrations).toEqual([
        { name: "old-style", events, errorType: "Extension.InvalidEventType" },
      ]);
      expect(managed.initializationType).toBe("lambda-managed-instances");
    },
  );

  it("accepts SHUTDOWN alone, also after a refusal, and sends no INVOKE to it", async () => {
    // Prepare
    expect((await registerManaged("sidecar", ["INVOKE", "SHUTDOWN"])).status).toBe(403);
    const res = await registerManaged("sidecar", ["SHUTDOWN"]);
    expect(res.status).toBe(200);
    const id = res.headers.get("lambda-extension-identifier") ?? "";

    // Act
    const waiting = leaveOpen(
      fetch(managedUrl("/2020-01-01/extension/event/next"), {
        headers: { "Lambda-Extension-Identifier": id },
      }),
    );
    await managed.waitForIdle("sidecar");
    managed.invoke({});
    managed.invoke({});
    managed.shutdown("spindown");

    // Assess: the first event it gets is SHUTDOWN
    expect(((await (await waiting).json()) as { eventType: string }).eventType).toBe("SHUTDOWN");
  });

  it("is on-demand unless asked", async () => {
    const onDemand = await startMockRuntimeApi();
    try {
      expect(onDemand.initializationType).toBe("on-demand");
    } finally {
      await onDemand.close();
    }
  });
});
