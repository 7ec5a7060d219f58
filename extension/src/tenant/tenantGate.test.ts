/**
 * The tenant gate: unknown, then one tenant for good; a second, different id is a conflict from which
 * nothing returns; waits are bounded.
 */
import { describe, expect, it } from "vitest";
import { FakeClock } from "../../test/support/fakeClock.js";
import { createLogger } from "../platform/log.js";
import type { TenantState } from "../roles/tenantScope.js";
import { TENANT_CONFLICT_CODE, TENANT_UNAVAILABLE_CODE, TenantGate, UNKNOWN_CODE } from "./tenantGate.js";

function gateOf() {
  const clock = new FakeClock();
  const lines: Record<string, unknown>[] = [];
  const log = createLogger("debug", (line) => lines.push(JSON.parse(line) as Record<string, unknown>));
  const gate = new TenantGate(clock, log, "a hint");
  const changes: TenantState[] = [];
  gate.onChange((state) => changes.push(state));
  return { clock, gate, lines, changes };
}

describe("TenantGate", () => {
  it("answers a waiting request as soon as the id arrives", async () => {
    const { gate, changes } = gateOf();
    const waiting = gate.waitFor(800);
    gate.observe("blue", "telemetry platform.start");
    expect(await waiting).toEqual({ known: true, tenantId: "blue" });
    expect(changes).toEqual([{ known: true, tenantId: "blue" }]);
  });

  it("ends the wait at its bound with a retryable TenantIdUnknown that says how long it waited", async () => {
    const { clock, gate } = gateOf();
    const waiting = gate.waitFor(800);
    clock.advance(799);
    let settled = false;
    void waiting.then(() => {
      settled = true;
    });
    await Promise.resolve();
    expect(settled).toBe(false);
    clock.advance(1);
    const state = await waiting;
    expect(state).toMatchObject({ known: false, failure: { kind: "retryable", code: UNKNOWN_CODE } });
    expect(state.known ? "" : state.failure.message).toMatch(/within 800 ms: a hint/);
  });

  it("keeps the same id repeated, and turns a second different id into a final conflict, logged as an error", async () => {
    const { gate, lines, changes } = gateOf();
    gate.observe("blue", "telemetry platform.start");
    gate.observe("blue", "telemetry platform.report");
    expect(gate.current()).toEqual({ known: true, tenantId: "blue" });

    gate.observe("green", "telemetry platform.start");
    gate.observe("blue", "telemetry platform.start");

    expect(gate.current()).toMatchObject({
      known: false,
      failure: { kind: "permanent", code: TENANT_CONFLICT_CODE },
    });
    expect(await gate.waitFor(800)).toMatchObject({ known: false, failure: { code: TENANT_CONFLICT_CODE } });
    expect(lines.filter((line) => line.event === "tenant-conflict")).toMatchObject([
      { level: "error", tenantId: "blue", secondTenantId: "green" },
    ]);
    expect(changes.map((state) => state.known)).toEqual([true, false]);
  });

  it("is final once unavailable: no later id is taken", () => {
    const { gate } = gateOf();
    gate.unavailable("subscription refused");
    gate.observe("blue", "telemetry platform.start");
    expect(gate.current()).toMatchObject({ known: false, failure: { code: TENANT_UNAVAILABLE_CODE } });
  });
});
