/** Reading tenant ids out of Telemetry API batches, as Lambda and the mock Runtime API send them. */
import { describe, expect, it } from "vitest";
import { tenantReports } from "./telemetryEvents.js";

const event = (type: string, record: unknown) => ({ time: "2026-12-07T04:00:00.000Z", type, record });

describe("tenantReports", () => {
  it("reads record.tenantId from platform.start, runtimeDone and report, in order", () => {
    const batch = [
      event("platform.start", { requestId: "r1", version: "$LATEST", tenantId: "blue" }),
      event("function", "a log line"),
      event("platform.runtimeDone", { requestId: "r1", status: "success", tenantId: "blue" }),
      event("platform.report", { requestId: "r1", status: "success", tenantId: "green" }),
    ];
    expect(tenantReports(JSON.stringify(batch))).toEqual([
      { tenantId: "blue", type: "platform.start" },
      { tenantId: "blue", type: "platform.runtimeDone" },
      { tenantId: "green", type: "platform.report" },
    ]);
  });

  it("finds none in events without one (a function without tenant isolation) or of other types", () => {
    const batch = [
      event("platform.start", { requestId: "r1" }),
      event("platform.start", { requestId: "r1", tenantId: "" }),
      event("platform.start", { requestId: "r1", tenantId: 42 }),
      event("platform.initStart", { tenantId: "blue" }),
      event("extension", { tenantId: "blue" }),
      null,
      "text",
    ];
    expect(tenantReports(JSON.stringify(batch))).toEqual([]);
  });

  it("says a body that is no batch is none (undefined), not an empty one", () => {
    for (const body of ["", "{", "{}", '"platform.start"', "null"])
      expect(tenantReports(body)).toBeUndefined();
  });
});
