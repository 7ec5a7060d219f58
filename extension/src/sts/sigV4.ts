/**
 * AWS Signature Version 4 for one POST with a small body (the Authorization header form, as the SDK
 * signs STS calls). Pure apart from node:crypto's hashes; the time is the caller's.
 */
import { createHash, createHmac } from "node:crypto";
import { isoTimestamp } from "../platform/utcTime.js";

export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
}

export interface RequestToSign {
  readonly method: string;
  /** Without a query string. */
  readonly url: URL;
  /** Lower-case names; every one is signed. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const ALGORITHM = "AWS4-HMAC-SHA256";
/** Headers the SDK's signer never signs (proxies may change them): sent, not signed. */
const UNSIGNABLE = new Set([
  "authorization",
  "cache-control",
  "connection",
  "expect",
  "from",
  "keep-alive",
  "max-forwards",
  "pragma",
  "referer",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "user-agent",
  "x-amzn-trace-id",
]);
const sha256Hex = (data: string) => createHash("sha256").update(data, "utf8").digest("hex");
const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data, "utf8").digest();

/** `20261201T163409Z`. */
export function amzDate(at: Date): string {
  return isoTimestamp(at.getTime())
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}Z$/, "Z");
}

/**
 * RFC 3986 escaping (`!'()*` too), as the SDK's escapeUri and extendedEncodeURIComponent: path
 * segments here, form keys and values in stsWire.ts.
 */
export const escapeUri = (segment: string) =>
  encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * The canonical path for every service but S3, as the SDK's signer: `.` and `..` segments resolved,
 * empty ones dropped, then the (already URL-encoded) path escaped once more.
 */
function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") segments.pop();
    else segments.push(segment);
  }
  const normalized = `${path.startsWith("/") ? "/" : ""}${segments.join("/")}${segments.length > 0 && path.endsWith("/") ? "/" : ""}`;
  return escapeUri(normalized).replace(/%2F/g, "/");
}

/**
 * Returns the request's headers (those in UNSIGNABLE sent unsigned) with `host`, `x-amz-date`, `x-amz-content-sha256`,
 * `x-amz-security-token` (with a session) and `authorization` added.
 */
export function signRequest(
  request: RequestToSign,
  credentials: SigningCredentials,
  scope: { readonly region: string; readonly service: string },
  at: Date,
): Record<string, string> {
  const date = amzDate(at);
  const day = date.slice(0, 8);
  const payloadHash = sha256Hex(request.body);
  const headers: Record<string, string> = {
    ...request.headers,
    host: request.url.host,
    "x-amz-date": date,
    "x-amz-content-sha256": payloadHash,
  };
  if (credentials.sessionToken) headers["x-amz-security-token"] = credentials.sessionToken;
  const names = Object.keys(headers)
    .map((name) => name.toLowerCase())
    .filter((name) => !UNSIGNABLE.has(name))
    .sort();
  const lowered = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const canonicalHeaders = names
    .map((name) => `${name}:${String(lowered[name]).trim().replace(/\s+/g, " ")}\n`)
    .join("");
  const signedHeaders = names.join(";");
  const canonicalRequest = [
    request.method,
    canonicalPath(request.url.pathname),
    // No query string: the endpoint resolver (stsEndpoint.ts) hands the SDK any URL that has one.
    "",
    canonicalHeaders,
    signedHeaders,
    payloadHash,
  ].join("\n");
  const credentialScope = `${day}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = [ALGORITHM, date, credentialScope, sha256Hex(canonicalRequest)].join("\n");
  let key: Buffer = hmac(`AWS4${credentials.secretAccessKey}`, day);
  for (const part of [scope.region, scope.service, "aws4_request"]) key = hmac(key, part);
  const signature = createHmac("sha256", key).update(stringToSign, "utf8").digest("hex");
  headers.authorization = `${ALGORITHM} Credential=${credentials.accessKeyId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return headers;
}
