import { describe, expect, it } from "vitest";
import { createEmfMetrics, NAMESPACE } from "./metrics.js";

function capture() {
  const lines: Record<string, unknown>[] = [];
  const metrics = createEmfMetrics(
    (line) => lines.push(JSON.parse(line)),
    () => 1_700_000_000_000,
  );
  return { lines, metrics };
}

describe("EMF metrics", () => {
  it("writes an assumption as one EMF record with its role dimension and duration", () => {
    const { lines, metrics } = capture();
    metrics.assumed("reader", 123);
    expect(lines).toEqual([
      {
        _aws: {
          Timestamp: 1_700_000_000_000,
          CloudWatchMetrics: [
            {
              Namespace: NAMESPACE,
              Dimensions: [["Role"]],
              Metrics: [
                { Name: "AssumeRole", Unit: "Count" },
                { Name: "AssumeRoleDuration", Unit: "Milliseconds" },
              ],
            },
          ],
        },
        Role: "reader",
        AssumeRole: 1,
        AssumeRoleDuration: 123,
      },
    ]);
  });

  it("marks permanent failures apart from retryable ones", () => {
    const { lines, metrics } = capture();
    metrics.assumeFailed("reader", "Throttling", true);
    metrics.assumeFailed("reader", "AccessDenied", false);
    expect(lines.map((l) => [l.ErrorCode, l.AssumeRolePermanentFailure])).toEqual([
      ["Throttling", undefined],
      ["AccessDenied", 1],
    ]);
  });

  it("counts requests in memory and writes them per role on flush, then starts again", () => {
    const { lines, metrics } = capture();
    metrics.served("reader", true);
    metrics.served("reader", true);
    metrics.served("reader", false);
    metrics.served("audit", true);
    expect(lines).toHaveLength(0);
    metrics.flush();
    expect(lines.map((l) => [l.Role, l.CredentialsServed, l.CredentialsRefused])).toEqual([
      ["reader", 2, 1],
      ["audit", 1, 0],
    ]);
    metrics.flush();
    expect(lines).toHaveLength(2);
  });

  it("never writes credential material: only names, codes and numbers", () => {
    const { lines, metrics } = capture();
    metrics.assumed("reader", 5);
    metrics.served("reader", true);
    metrics.flush();
    for (const line of lines) expect(JSON.stringify(line)).not.toMatch(/Secret|Token|AccessKey/);
  });
});
