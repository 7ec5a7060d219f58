import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { ErrorBody } from "./wireFormat.js";

export interface Refusal {
  readonly status: number;
  readonly body: ErrorBody;
}

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * Refuses what no SDK on this machine sends: proxied requests (SSRF through a proxy in the function)
 * and non-loopback Host names (DNS rebinding from a browser or a fetched URL).
 */
export function refuseUnexpectedOrigin(headers: IncomingHttpHeaders): Refusal | undefined {
  if (headers["x-forwarded-for"] !== undefined || headers.forwarded !== undefined) {
    return refusal(403, "ForwardedRequestRefused", "requests relayed through a proxy are refused");
  }
  const host = headers.host;
  if (host === undefined || !LOOPBACK_HOSTS.has(hostName(host))) {
    return refusal(403, "HostRefused", "the Host header must be 127.0.0.1, localhost or [::1]");
  }
  return undefined;
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

function hostName(host: string): string {
  const trimmed = host.trim().toLowerCase();
  if (trimmed.startsWith("[")) return trimmed.slice(0, trimmed.indexOf("]") + 1);
  const colon = trimmed.indexOf(":");
  return colon === -1 ? trimmed : trimmed.slice(0, colon);
}

function refusal(status: number, code: string, message: string): Refusal {
  return { status, body: { Code: code, Message: message } };
}
