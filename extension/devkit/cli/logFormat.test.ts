import { describe, expect, it } from "vitest";
import { formatLogLine, lineSplitter, parseLogRecord } from "./logFormat.js";

describe("formatLogLine", () => {
  it("prints time, level, message, then the other fields as key=value", () => {
    const line = JSON.stringify({
      timestamp: "2026-01-02T03:04:05.678Z",
      level: "info",
      message: "assumed role",
      role: "app",
      durationMs: 42,
    });
    expect(formatLogLine(line)).toBe("03:04:05.678 info  assumed role role=app durationMs=42");
  });

  it("passes through lines that are not log records", () => {
    expect(formatLogLine("credentials-sidecar: no base credentials")).toBe(
      "credentials-sidecar: no base credentials",
    );
    expect(formatLogLine("{not json")).toBe("{not json");
    expect(formatLogLine('{"no":"message"}')).toBe('{"no":"message"}');
  });

  it("parses only JSON objects", () => {
    expect(parseLogRecord("[1,2]")).toBeUndefined();
    expect(parseLogRecord('{"level":"warn"}')).toEqual({ level: "warn" });
  });
});

describe("lineSplitter", () => {
  it("joins lines split across chunks and flushes the last one at the end", () => {
    const lines: string[] = [];
    const splitter = lineSplitter((line) => lines.push(line));
    splitter.push("one\ntw");
    splitter.push("o\n\nthr");
    expect(lines).toEqual(["one", "two"]);
    splitter.end();
    expect(lines).toEqual(["one", "two", "thr"]);
  });
});
