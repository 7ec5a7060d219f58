/**
 * The extension's JSON log lines, made readable in a terminal:
 * `12:00:01.234 info  assumed role  role=app sessionName=demo.1a2b expiration=2026-01-01T13:00:01.000Z`.
 * Lines that are not JSON log records are passed through as they are.
 */
import { parseLogRecord } from "../processKit.mjs";

// Splitting and parsing live in the process kit, shared with the tests and the bench.
export { type LogRecord, lineSplitter, parseLogRecord } from "../processKit.mjs";

export function formatLogLine(line: string): string {
  const record = parseLogRecord(line);
  if (record === undefined || typeof record.message !== "string") return line;
  const { timestamp, level, message, ...fields } = record;
  const time = typeof timestamp === "string" ? timestamp.slice(11, 23) || timestamp : "";
  const details = Object.entries(fields)
    .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(" ");
  return [time, String(level ?? "").padEnd(5), message, details].filter((part) => part !== "").join(" ");
}
