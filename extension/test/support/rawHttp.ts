/**
 * HTTP over node:net, byte for byte: requests sent exactly as written (malformed framing included),
 * one response read whatever its framing (or the close), and the requests the hostile tests build.
 */
import { connect } from "node:net";

export interface RawResponse {
  /** undefined when the server closed without answering */
  readonly status: number | undefined;
  readonly headers: ReadonlyMap<string, string[]>;
  readonly body: string;
  readonly raw: string;
}

/** Sends bytes as they are and reads one response (or the close), whatever the framing. */
export function rawRequest(port: number, request: Buffer | string, timeoutMs = 3000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    let received = Buffer.alloc(0);
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(parseResponse(received.toString("latin1")));
    };
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(
          `no complete response within ${timeoutMs} ms: ${received.toString("latin1").slice(0, 200)}`,
        ),
      );
    }, timeoutMs);
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (isComplete(received.toString("latin1"))) finish();
    });
    socket.on("error", () => finish());
    socket.on("close", () => finish());
    socket.end(typeof request === "string" ? Buffer.from(request, "latin1") : request);
  });
}

function isComplete(raw: string): boolean {
  const end = raw.indexOf("\r\n\r\n");
  if (end === -1) return false;
  const head = raw.slice(0, end);
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) return raw.endsWith("0\r\n\r\n");
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  return length !== null && raw.length - end - 4 >= Number(length[1]);
}

/** The body of a chunked response, joined. */
function unchunk(body: string): string {
  let out = "";
  let rest = body;
  for (;;) {
    const lineEnd = rest.indexOf("\r\n");
    const size = Number.parseInt(rest.slice(0, lineEnd), 16);
    if (lineEnd === -1 || !(size > 0)) return out;
    out += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    rest = rest.slice(lineEnd + 4 + size);
  }
}

export function parseResponse(raw: string): RawResponse {
  const end = raw.indexOf("\r\n\r\n");
  const head = end === -1 ? raw : raw.slice(0, end);
  const [statusLine = "", ...lines] = head.split("\r\n");
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1];
  const headers = new Map<string, string[]>();
  for (const line of lines) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  const body = end === -1 ? "" : raw.slice(end + 4);
  const chunked = headers.get("transfer-encoding")?.includes("chunked") ?? false;
  return {
    status: status === undefined ? undefined : Number(status),
    headers,
    body: chunked ? unchunk(body) : body,
    raw,
  };
}

/** Whether `text` holds a control character (which Node's parser refuses in a header value). */
export function hasControl(text: string, tab?: "tab allowed"): boolean {
  return [...text].some((c) => {
    const code = c.charCodeAt(0);
    return (code < 0x20 && !(tab && code === 9)) || code === 0x7f;
  });
}

/** A well-formed GET with the given Authorization header value (undefined: none). */
export function getRequest(
  port: number,
  path: string,
  authorization: string | undefined,
  extra: readonly string[] = [],
): Buffer {
  const lines = [`GET ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`];
  if (authorization !== undefined) lines.push(`Authorization: ${authorization}`);
  lines.push(...extra, "Connection: close");
  return Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "utf8");
}

/** A GET with `count` padding headers, then `last`: Node's own limit is 1,000 (2,000 raw entries). */
export function withPadding(count: number, last: readonly string[], authorization: string): string {
  return `${[
    "GET /roles/reader HTTP/1.1",
    "Host: 127.0.0.1",
    `Authorization: ${authorization}`,
    ...Array.from({ length: count }, (_, i) => `X-Pad-${i}: p`),
    ...last,
    "Connection: close",
  ].join("\r\n")}\r\n\r\n`;
}
