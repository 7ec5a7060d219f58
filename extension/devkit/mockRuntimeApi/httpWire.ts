// HTTP plumbing of the mock Runtime API: reading requests, writing JSON replies the way Lambda does.
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export const ACCEPTED: Reply = { status: 202, body: { status: "OK" } };

/** Lambda's error body: `{errorMessage, errorType}`. */
export function fail(status: number, errorType: string, errorMessage: string): Reply {
  return { status, body: { errorMessage, errorType } };
}

export function sendJson(res: ServerResponse, { status, body, headers }: Reply): void {
  if (res.headersSent || res.destroyed) return; // e.g. the client gave up on a long-poll
  res.writeHead(status, { "Content-Type": "application/json", ...headers });
  res.end(JSON.stringify(body ?? null));
}

/** A header's first value, trimmed; undefined when missing or blank. */
export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  const first = (Array.isArray(value) ? value[0] : value)?.trim();
  return first ? first : undefined;
}

/** False once a parked long-poll was answered or its client went away. */
export function isOpen(res: ServerResponse): boolean {
  return !res.headersSent && !!res.socket && !res.socket.destroyed;
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** What to record for a posted body: parsed JSON, else the raw text, undefined when empty. */
export function bodyValue(text: string): unknown {
  return text.trim() === "" ? undefined : (parseJson(text) ?? text);
}

/** Parsed JSON, or undefined when the text is empty or not JSON. */
export function parseJson(text: string): unknown {
  try {
    return text.trim() === "" ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

/** An X-Ray trace header like Lambda's: Root=1-<epoch hex>-<96 bits>;Parent=<64 bits>;Sampled=1 */
export function traceId(): string {
  const epoch = Math.floor(Date.now() / 1000).toString(16);
  return `Root=1-${epoch}-${randomBytes(12).toString("hex")};Parent=${randomBytes(8).toString("hex")};Sampled=1`;
}
