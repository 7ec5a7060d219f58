// Server-side AWS Signature Version 4 verification (Authorization header form only).
// Pure: no I/O, the caller supplies the request, the clock and the secret lookup.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export const ALGORITHM = "AWS4-HMAC-SHA256";
const MAX_SKEW_MS = 15 * 60 * 1000;

export interface SignedRequest {
  method: string;
  /** Raw request target path as received, without the query string (e.g. "/"). */
  path: string;
  /** Raw query string without the leading "?" ("" when none). */
  query: string;
  /** Header name/value pairs as received (Node's `rawHeaders`, paired). */
  headers: [string, string][];
  body: Buffer;
}

export interface ParsedAuthorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

export type SigV4Failure = { code: "IncompleteSignature" | "SignatureDoesNotMatch"; message: string };

export const sha256Hex = (data: string | Buffer): string => createHash("sha256").update(data).digest("hex");
const hmac = (key: Buffer | string, data: string): Buffer => createHmac("sha256", key).update(data).digest();

/** RFC 3986 encoding as SigV4 wants it (unreserved characters kept, everything else %XX upper case). */
export function uriEscape(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, "%20"));
  } catch {
    return value;
  }
}

export function parseAuthorization(header: string): ParsedAuthorization | SigV4Failure {
  const incomplete = (message: string): SigV4Failure => ({ code: "IncompleteSignature", message });
  if (!header.startsWith(`${ALGORITHM} `))
    return incomplete(`Unsupported AWS 'algorithm': '${header.split(" ")[0]}'`);
  const fields = new Map<string, string>();
  for (const part of header.slice(ALGORITHM.length + 1).split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get("Credential");
  const signedHeaders = fields.get("SignedHeaders");
  const signature = fields.get("Signature");
  if (!credential || !signedHeaders || !signature) {
    return incomplete(
      "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters.",
    );
  }
  const scope = credential.split("/");
  const [accessKeyId, date, region, service, terminator] = scope;
  if (scope.length !== 5 || !accessKeyId || !date || !region || !service || terminator !== "aws4_request") {
    return incomplete(
      `Credential must have exactly 5 slash-delimited elements, e.g. keyID/date/region/service/term, got '${credential}'`,
    );
  }
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(";"), signature };
}

export function canonicalUri(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") segments.pop();
    else segments.push(uriEscape(segment));
  }
  const trailing = segments.length > 0 && path.endsWith("/") ? "/" : "";
  return `/${segments.join("/")}${trailing}`;
}

export function canonicalQuery(query: string): string {
  if (query === "") return "";
  const pairs = query
    .split("&")
    .filter((p) => p !== "")
    .map((p) => {
      const eq = p.indexOf("=");
      const key = eq < 0 ? p : p.slice(0, eq);
      const value = eq < 0 ? "" : p.slice(eq + 1);
      return [uriEscape(safeDecode(key)), uriEscape(safeDecode(value))] as const;
    })
    .filter(([key]) => key !== "X-Amz-Signature");
  pairs.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join("&");
}

/** Canonical header block for the signed header names; undefined when a signed header is absent. */
export function canonicalHeaders(headers: [string, string][], signed: string[]): string | undefined {
  const values = new Map<string, string[]>();
  for (const [name, value] of headers) {
    const key = name.toLowerCase();
    const list = values.get(key) ?? [];
    list.push(value.trim().replace(/\s+/g, " "));
    values.set(key, list);
  }
  const lines: string[] = [];
  for (const name of signed) {
    const list = values.get(name);
    if (!list) return undefined;
    lines.push(`${name}:${list.join(",")}\n`);
  }
  return lines.join("");
}

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), "aws4_request");
}

export function stringToSign(amzDate: string, scope: string, canonicalRequest: string): string {
  return `${ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonicalRequest)}`;
}

export function headerValue(headers: [string, string][], name: string): string | undefined {
  const wanted = name.toLowerCase();
  return headers.find(([n]) => n.toLowerCase() === wanted)?.[1];
}

/** `20150830T123600Z` → epoch ms, or undefined. */
export function parseAmzDate(value: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  return Number.isNaN(ms) ? undefined : ms;
}

export const formatAmzDate = (ms: number): string => new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, "");

export interface VerifyOptions {
  service: string;
  nowMs: number;
  /** Secret access key of `auth.accessKeyId` (unknown keys are the caller's concern). */
  secret: string;
}

/** Verifies a request already known to carry `auth`; returns undefined when the signature is valid. */
export function verifySignature(
  req: SignedRequest,
  auth: ParsedAuthorization,
  opts: VerifyOptions,
): SigV4Failure | undefined {
  const mismatch = (message: string): SigV4Failure => ({ code: "SignatureDoesNotMatch", message });
  const amzDate = headerValue(req.headers, "x-amz-date");
  if (amzDate === undefined) {
    return {
      code: "IncompleteSignature",
      message: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    };
  }
  const signedAt = parseAmzDate(amzDate);
  if (signedAt === undefined)
    return { code: "IncompleteSignature", message: `Invalid X-Amz-Date: ${amzDate}` };
  if (opts.nowMs - signedAt > MAX_SKEW_MS) {
    const limit = formatAmzDate(opts.nowMs - MAX_SKEW_MS);
    return mismatch(
      `Signature expired: ${amzDate} is now earlier than ${limit} (${formatAmzDate(opts.nowMs)} - 15 min.)`,
    );
  }
  if (signedAt - opts.nowMs > MAX_SKEW_MS) {
    const limit = formatAmzDate(opts.nowMs + MAX_SKEW_MS);
    return mismatch(
      `Signature not yet current: ${amzDate} is still later than ${limit} (${formatAmzDate(opts.nowMs)} + 15 min.)`,
    );
  }
  if (auth.service !== opts.service)
    return mismatch(`Credential should be scoped to correct service: '${opts.service}'. `);
  if (auth.date !== amzDate.slice(0, 8)) {
    return mismatch(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }
  if (!auth.signedHeaders.includes("host"))
    return mismatch("'Host' must be a 'SignedHeader' in the AWS Authorization.");
  const bodyHash = sha256Hex(req.body);
  const declared = headerValue(req.headers, "x-amz-content-sha256");
  if (declared !== undefined && declared !== bodyHash)
    return mismatch("The provided 'x-amz-content-sha256' header does not match what was computed.");
  const headerBlock = canonicalHeaders(req.headers, auth.signedHeaders);
  if (headerBlock === undefined) return mismatch("A signed header is missing from the request.");
  const canonical = [
    req.method.toUpperCase(),
    canonicalUri(req.path),
    canonicalQuery(req.query),
    headerBlock,
    auth.signedHeaders.join(";"),
    bodyHash,
  ].join("\n");
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const expected = hmac(
    signingKey(opts.secret, auth.date, auth.region, auth.service),
    stringToSign(amzDate, scope, canonical),
  );
  const given = Buffer.from(/^[0-9a-f]{64}$/.test(auth.signature) ? auth.signature : "", "hex");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return mismatch(
      "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
    );
  }
  return undefined;
}
