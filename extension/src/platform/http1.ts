/**
 * HTTP/1.1 written and read by hand, for the sidecar's own clients of local or single-purpose peers
 * (the Runtime API: lambda/plainHttp.ts; STS: sts/plainStsExchange.ts). Node's HTTP client costs
 * milliseconds at its first request, which both make on the cold-start path; this is the part of
 * HTTP/1.1 they need: header lines that cannot smuggle another in, and answers framed by
 * Content-Length, chunked encoding or the end of the connection.
 */

export class HttpFramingError extends Error {
  override readonly name = "HttpFramingError";
}

export interface Http1Response {
  readonly status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** Bytes of `bytes` the response took: what follows is not part of it. */
  readonly length: number;
  /** HTTP/1.1, framed by length or chunks, and no `Connection: close`: the connection can take another request. */
  readonly keepAlive: boolean;
}

const HEAD_END = Buffer.from("\r\n\r\n");
const CRLF = Buffer.from("\r\n");
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Visible ASCII and spaces: no line break can smuggle a header in.
const HEADER_VALUE = /^[\x20-\x7e]*$/;
/** Far above any answer's headers; a bound so that a broken peer cannot fill the memory. */
const MAX_HEAD_BYTES = 64 * 1024;

/** `name: value`, or a throw where either could not be sent as it is. */
export function headerLine(name: string, value: string): string {
  if (!TOKEN.test(name) || !HEADER_VALUE.test(value)) {
    throw new HttpFramingError(`the ${JSON.stringify(name)} header cannot be sent as it is`);
  }
  return `${name}: ${value}`;
}

/**
 * The response at the start of `bytes`, or undefined while more is to come. `ended`: the peer closed,
 * so a body framed by the end of the connection is complete.
 */
export function readResponse(bytes: Buffer, ended: boolean): Http1Response | undefined {
  const headEnd = bytes.indexOf(HEAD_END);
  if (headEnd < 0) {
    if (bytes.length > MAX_HEAD_BYTES)
      throw new HttpFramingError("the response headers are larger than 64 KB");
    return undefined;
  }
  const [statusLine = "", ...headerLines] = bytes.subarray(0, headEnd).toString("latin1").split("\r\n");
  const status = /^HTTP\/1\.([01]) (\d{3})(?: |$)/.exec(statusLine);
  if (status === null) {
    throw new HttpFramingError(`not an HTTP/1.1 status line: ${JSON.stringify(statusLine.slice(0, 80))}`);
  }
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(":");
    if (colon <= 0) throw new HttpFramingError(`not a response header: ${JSON.stringify(line.slice(0, 80))}`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  const bodyStart = headEnd + HEAD_END.length;
  const framed = framedBody(bytes, bodyStart, headers, ended);
  if (framed === undefined) return undefined;
  const closes = /(?:^|,)\s*close\s*(?:,|$)/i.test(headers.connection ?? "");
  return {
    status: Number(status[2]),
    headers,
    body: framed.body,
    length: framed.end,
    keepAlive: status[1] === "1" && framed.byLength && !closes,
  };
}

interface Framed {
  readonly body: Buffer;
  /** Where the response ends in the bytes read. */
  readonly end: number;
  /** Framed by Content-Length or chunks, not by the end of the connection. */
  readonly byLength: boolean;
}

function framedBody(
  bytes: Buffer,
  start: number,
  headers: Record<string, string>,
  ended: boolean,
): Framed | undefined {
  if (/(?:^|,)\s*chunked\s*$/i.test(headers["transfer-encoding"] ?? "")) return dechunk(bytes, start);
  const declared = headers["content-length"];
  if (declared !== undefined) {
    if (!/^\d+$/.test(declared))
      throw new HttpFramingError(`a Content-Length of ${JSON.stringify(declared)}`);
    const end = start + Number(declared);
    return bytes.length >= end ? { body: bytes.subarray(start, end), end, byLength: true } : undefined;
  }
  return ended ? { body: bytes.subarray(start), end: bytes.length, byLength: false } : undefined;
}

/** The body of a chunked message, or undefined while the last chunk has not arrived. */
function dechunk(bytes: Buffer, start: number): Framed | undefined {
  const parts: Buffer[] = [];
  let at = start;
  for (;;) {
    const lineEnd = bytes.indexOf(CRLF, at);
    if (lineEnd < 0) return undefined;
    const sizeText = bytes.subarray(at, lineEnd).toString("latin1").split(";")[0]?.trim() ?? "";
    if (!/^[0-9A-Fa-f]{1,8}$/.test(sizeText)) {
      throw new HttpFramingError(`a chunk size of ${JSON.stringify(sizeText.slice(0, 20))}`);
    }
    const size = Number.parseInt(sizeText, 16);
    const dataStart = lineEnd + CRLF.length;
    if (size === 0) {
      // Trailers, if any, end with an empty line; none are used.
      if (bytes.subarray(dataStart, dataStart + CRLF.length).equals(CRLF)) {
        return { body: Buffer.concat(parts), end: dataStart + CRLF.length, byLength: true };
      }
      const trailersEnd = bytes.indexOf(HEAD_END, lineEnd);
      if (trailersEnd < 0) return undefined;
      return { body: Buffer.concat(parts), end: trailersEnd + HEAD_END.length, byLength: true };
    }
    if (bytes.length < dataStart + size + CRLF.length) return undefined;
    if (!bytes.subarray(dataStart + size, dataStart + size + CRLF.length).equals(CRLF)) {
      throw new HttpFramingError("a chunk does not end where its size says");
    }
    parts.push(bytes.subarray(dataStart, dataStart + size));
    at = dataStart + size + CRLF.length;
  }
}
