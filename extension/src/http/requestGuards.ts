import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { ErrorBody } from "./wireFormat.js";

export interface Refusal {
  readonly status: number;
  readonly body: ErrorBody;
}

/**
 * An SDK's credentials request carries well under ten headers. Node drops headers past its own
 * count limit without a word, so a proxy header hidden behind a thousand others would never be
 * seen: the server keeps at most one more than this (`maxHeadersCount`), and more is refused.
 */
export const MAX_REQUEST_HEADERS = 32;

/** What the guards read of a request: the parsed headers and the raw lines as they came. */
export interface GuardedRequest {
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** name, value, name, value… as received: duplicates and order kept. */
  readonly rawHeaders: readonly string[];
}

/**
 * Refuses what no SDK on this machine sends, before anything in the request is trusted: too many
 * headers (some may have been dropped unseen), proxied requests (SSRF through a proxy in the
 * function), and any Host or absolute-form authority that is not exactly a loopback name or literal
 * (DNS rebinding from a browser or a fetched URL).
 */
export function refuseUntrusted(request: GuardedRequest): Refusal | undefined {
  if (request.rawHeaders.length / 2 > MAX_REQUEST_HEADERS) {
    return refusal(
      431,
      "TooManyHeaders",
      `a credentials request has at most ${MAX_REQUEST_HEADERS} header lines`,
    );
  }
  if (PROXY_HEADERS.some((name) => request.headers[name] !== undefined)) {
    return refusal(403, "ForwardedRequestRefused", "requests relayed through a proxy are refused");
  }
  const hosts = headerValues(request.rawHeaders, "host");
  if (hosts.length !== 1 || !isLoopbackAuthority(hosts[0] ?? "")) {
    return refusal(
      403,
      "HostRefused",
      "send one Host header: 127.0.0.1, localhost or [::1], with an optional port",
    );
  }
  return refuseTarget(request.url);
}

/**
 * The request target: a path (origin-form), or `http://` + a loopback authority + a path
 * (absolute-form, which Node's router would otherwise follow whatever the authority).
 */
function refuseTarget(target: string): Refusal | undefined {
  if (target.startsWith("/")) return undefined;
  const absolute = /^http:\/\/([^/?#]*)([/?#].*)?$/is.exec(target);
  if (absolute === null) {
    return refusal(400, "BadRequestTarget", "the request target must be a path such as /roles/<name>");
  }
  if (!isLoopbackAuthority(absolute[1] ?? "")) {
    return refusal(
      403,
      "HostRefused",
      "an absolute request URL must name 127.0.0.1, localhost or [::1], with an optional port",
    );
  }
  return undefined;
}

/**
 * Headers a proxy adds (RFC 9110 requires `Via` of every proxy; the others are the common
 * de-facto ones) and no SDK sends: a request carrying one was relayed, and is refused.
 */
export const PROXY_HEADERS = [
  "forwarded",
  "via",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-forwarded-port",
  "x-real-ip",
  "x-client-ip",
  "true-client-ip",
] as const;

const LOOPBACK_NAMES = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * `127.0.0.1`, `localhost` or `[::1]` (any letter case), then optionally `:` and a port from 1 to
 * 65535 in digits: nothing else (no userinfo, no trailing dot or junk, no encoding, no spaces).
 */
export function isLoopbackAuthority(authority: string): boolean {
  const match = /^(\[::1\]|[a-z0-9.]+)(?::(\d{1,5}))?$/i.exec(authority);
  if (match === null || !LOOPBACK_NAMES.has((match[1] ?? "").toLowerCase())) return false;
  const port = match[2];
  return port === undefined || (Number(port) >= 1 && Number(port) <= 65535);
}

function headerValues(rawHeaders: readonly string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]?.toLowerCase() === name) values.push(rawHeaders[i + 1] ?? "");
  }
  return values;
}

/** Only GET is served: any other method, known or not, gets this. */
export function refuseMethod(method: string): Refusal | undefined {
  if (method === "GET") return undefined;
  return refusal(405, "MethodNotAllowed", "only GET is served here");
}

/** Compares in constant time: hashing first makes the comparison length-independent too. */
export function checkToken(
  header: string | string[] | undefined,
  expectedDigest: Buffer,
): Refusal | undefined {
  if (header === undefined || header === "") {
    return refusal(
      401,
      "MissingToken",
      "send the token from AWS_CONTAINER_AUTHORIZATION_TOKEN in the Authorization header",
    );
  }
  const given = Array.isArray(header) ? header.join(",") : header;
  if (!timingSafeEqual(tokenDigest(given), expectedDigest)) {
    return refusal(403, "InvalidToken", "the Authorization header does not hold this sidecar's token");
  }
  return undefined;
}

export function tokenDigest(token: string): Buffer {
  return createHash("sha256").update(token).digest();
}

function refusal(status: number, code: string, message: string): Refusal {
  return { status, body: { Code: code, Message: message } };
}
