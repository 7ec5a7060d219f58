/**
 * The extension's JSON log lines, made readable in a terminal:
 * `12:00:01.234 info  assumed role  role=app sessionName=demo.1a2b expiration=2026-01-01T13:00:01.000Z`.
 * Lines that are not JSON log records are passed through as they are.
 */
export interface LogRecord {
  readonly timestamp?: string;
  readonly level?: string;
  readonly message?: string;
  readonly [field: string]: unknown;
}

export function parseLogRecord(line: string): LogRecord | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const value = JSON.parse(line) as unknown;
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as LogRecord)
      : undefined;
  } catch {
    return undefined;
  }
}

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

/** Splits a byte stream into lines, keeping the unfinished tail for the next chunk. */
export function lineSplitter(onLine: (line: string) => void): {
  push(chunk: Buffer | string): void;
  end(): void;
} {
  let pending = "";
  return {
    push(chunk) {
      pending += chunk.toString();
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) if (line !== "") onLine(line);
    },
    end() {
      if (pending !== "") onLine(pending);
      pending = "";
    },
  };
}
