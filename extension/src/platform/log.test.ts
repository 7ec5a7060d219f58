import { describe, expect, it } from "vitest";
import { createLogger, type LogLevel, parseLogLevel } from "./log.js";

const NOW = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678));

function capture(minimum: LogLevel) {
  const lines: string[] = [];
  const log = createLogger(
    minimum,
    (line) => lines.push(line),
    () => NOW,
  );
  return { log, lines };
}

describe("createLogger", () => {
  it("writes one JSON object per line, timestamp, level and message first", () => {
    // Prepare
    const { log, lines } = capture("info");

    // Act
    log.info("assumed role", { role: "reader", event: "assumed", durationMs: 12, retryable: false });

    // Assess
    expect(lines).toHaveLength(1);
    const line = lines[0] ?? "";
    expect(line.endsWith("\n")).toBe(true);
    expect(line.indexOf("\n")).toBe(line.length - 1);
    const record = JSON.parse(line);
    expect(Object.keys(record)).toEqual([
      "timestamp",
      "level",
      "message",
      "role",
      "event",
      "durationMs",
      "retryable",
    ]);
    expect(record).toEqual({
      timestamp: "2026-01-02T03:04:05.678Z",
      level: "info",
      message: "assumed role",
      role: "reader",
      event: "assumed",
      durationMs: 12,
      retryable: false,
    });
  });

  it("keeps a message with line breaks on one line", () => {
    const { log, lines } = capture("debug");

    log.error("first\nsecond", { error: "a\r\nb" });

    expect(lines).toHaveLength(1);
    expect(lines[0]?.split("\n")).toEqual([expect.any(String), ""]);
    expect(JSON.parse(lines[0] ?? "").message).toBe("first\nsecond");
  });

  it("leaves out fields that are undefined", () => {
    const { log, lines } = capture("debug");

    log.warn("w", { role: undefined, code: "Throttling" });

    expect(JSON.parse(lines[0] ?? "")).toEqual({
      timestamp: NOW.toISOString(),
      level: "warn",
      message: "w",
      code: "Throttling",
    });
  });

  it.each([
    "secretAccessKey",
    "SecretAccessKey",
    "token",
    "sessionToken",
    "Authorization",
    "authorization",
    "accessKeyId",
    "password",
    "credentials",
  ])("redacts a field named %s", (key) => {
    const { log, lines } = capture("debug");

    log.info("m", { [key]: "hunter2-SECRET-VALUE" });

    expect(lines[0]).not.toContain("hunter2-SECRET-VALUE");
    expect(JSON.parse(lines[0] ?? "")[key]).toBe("[redacted]");
  });

  it.each(["role", "event", "code", "sessionName", "expiration"])("keeps a field named %s", (key) => {
    const { log, lines } = capture("debug");

    log.info("m", { [key]: "visible" });

    expect(JSON.parse(lines[0] ?? "")[key]).toBe("visible");
  });

  it.each([
    ["debug", ["debug", "info", "warn", "error"]],
    ["info", ["info", "warn", "error"]],
    ["warn", ["warn", "error"]],
    ["error", ["error"]],
  ] as const)("at %s writes only %j", (minimum, expected) => {
    const { log, lines } = capture(minimum);

    log.debug("d");
    log.info("i");
    log.warn("w");
    log.error("e");

    expect(lines.map((line) => JSON.parse(line).level)).toEqual(expected);
  });
});

describe("parseLogLevel", () => {
  it.each([
    ["debug", "debug"],
    ["INFO", "info"],
    [" Warn ", "warn"],
    ["error", "error"],
    ["TRACE", "debug"],
    ["fatal", "error"],
  ] as const)("reads %j as %s", (text, level) => {
    expect(parseLogLevel(text)).toBe(level);
  });

  it.each([undefined, "", "verbose", "toString", "constructor", "__proto__"])("refuses %j", (text) => {
    expect(parseLogLevel(text)).toBeUndefined();
  });
});
