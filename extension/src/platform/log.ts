/**
 * JSON lines on stdout (Lambda puts them in the function's log stream) with stable field names:
 * timestamp, level, message, then role, event and details. Keys that could carry a secret are
 * redacted however they got here: the last line of defence, not the first.
 */

import { writeStdout } from "./stdout.js";
import { isoTimestamp } from "./utcTime.js";
export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, string | number | boolean | undefined>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_KEY = /secret|token|password|accesskey|credential|authorization/i;

export function parseLogLevel(value: string | undefined): LogLevel | undefined {
  const level = value?.trim().toLowerCase();
  if (level === "trace") return "debug";
  if (level === "fatal") return "error";
  // Own keys only: `in` would accept inherited names such as "constructor".
  return level !== undefined && Object.hasOwn(ORDER, level) ? (level as LogLevel) : undefined;
}

export function createLogger(
  minimum: LogLevel,
  write: (line: string) => void = writeStdout,
  now: () => Date = () => new Date(),
): Logger {
  const emit = (level: LogLevel, message: string, fields: LogFields = {}) => {
    if (ORDER[level] < ORDER[minimum]) return;
    const record: Record<string, unknown> = { timestamp: isoTimestamp(now().getTime()), level, message };
    for (const [key, value] of Object.entries(fields)) {
      if (value !== undefined) record[key] = SECRET_KEY.test(key) ? "[redacted]" : value;
    }
    write(`${JSON.stringify(record)}\n`);
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
  };
}
