import v8 from "node:v8";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createLogger } from "./log.js";
import { NO_PRETENURING, stopPretenuring } from "./pretenuring.js";

function capture() {
  const lines: string[] = [];
  return { log: createLogger("debug", (line) => lines.push(line)), lines };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("stopPretenuring", () => {
  it("turns V8's allocation-site pretenuring off, saying nothing", () => {
    // Prepare: the flag is not set in this test process (the spy does not pass it on)
    const setFlags = vi.spyOn(v8, "setFlagsFromString").mockImplementation(() => {});
    const { log, lines } = capture();

    // Act
    stopPretenuring(log);

    // Assess
    expect(setFlags.mock.calls).toEqual([[NO_PRETENURING]]);
    expect(NO_PRETENURING).toBe("--no-allocation-site-pretenuring");
    expect(lines).toEqual([]);
  });

  it("keeps V8's default where node refuses the change, and says so at debug level", () => {
    // Prepare
    vi.spyOn(v8, "setFlagsFromString").mockImplementation(() => {
      throw new Error("flags are frozen");
    });
    const { log, lines } = capture();

    // Act
    stopPretenuring(log);

    // Assess
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ level: "debug", event: "v8-flags", error: "flags are frozen" }),
    ]);
  });
});
