// Server-side AWS Signature Version 4 verification (Authorization header form only): the checks STS
// makes before the signature, then the signature itself, recomputed by the SDK's own signer
// (@smithy/signature-v4) over the signed headers and compared. No I/O: the caller supplies the
// request, the clock and the secret.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";

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
export async function verifySignature(
  req: SignedRequest,
  auth: ParsedAuthorization,
  opts: VerifyOptions,
): Promise<SigV4Failure | undefined> {
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
  const expected = await resign(req, auth, opts.secret, signedAt);
  if (expected === undefined) return mismatch("A signed header is missing from the request.");
  const given = Buffer.from(/^[0-9a-f]{64}$/.test(auth.signature) ? auth.signature : "", "hex");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return mismatch(
      "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
    );
  }
  return undefined;
}

/**
 * The signature the SDK's signer gives the request with exactly its signed headers; undefined when
 * one of them is absent. Repeated headers are joined with commas, as SigV4 canonicalises them.
 */
async function resign(
  req: SignedRequest,
  auth: ParsedAuthorization,
  secret: string,
  signedAt: number,
): Promise<Buffer | undefined> {
  const headers: Record<string, string> = {};
  for (const [name, value] of req.headers) {
    const key = name.toLowerCase();
    if (!auth.signedHeaders.includes(key)) continue;
    headers[key] = key in headers ? `${headers[key]},${value}` : value;
  }
  if (!auth.signedHeaders.every((name) => name in headers)) return undefined;
  const signer = new SignatureV4({
    credentials: { accessKeyId: auth.accessKeyId, secretAccessKey: secret },
    region: auth.region,
    service: auth.service,
    sha256: NodeSha256,
    // Sign exactly what the client signed: no x-amz-content-sha256 of our own.
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method: req.method.toUpperCase(),
      protocol: "http:",
      hostname: headers.host ?? "",
      // As sent (already escaped): the signer escapes it once more, as SigV4 wants for every service but S3.
      path: req.path,
      query: parseQuery(req.query),
      headers,
      body: req.body,
    },
    { signingDate: new Date(signedAt), signableHeaders: new Set(auth.signedHeaders) },
  );
  const signature = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization ?? ""))?.[1];
  return signature === undefined ? undefined : Buffer.from(signature, "hex");
}

type HashInput = string | ArrayBuffer | ArrayBufferView;

/** The hash the signer asks for (HMAC when given a secret), over node:crypto. */
export class NodeSha256 {
  private readonly hash;
  constructor(secret?: HashInput) {
    this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", bytesOf(secret));
  }
  update(data: HashInput): void {
    this.hash.update(bytesOf(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

function bytesOf(data: HashInput): string | Uint8Array {
  if (typeof data === "string") return data;
  return ArrayBuffer.isView(data)
    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : new Uint8Array(data);
}

/** `a=1&b=x%20y` → {a: "1", b: "x y"}; repeated keys become lists; X-Amz-Signature is left out. */
function parseQuery(query: string): Record<string, string | string[]> {
  const parsed: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(query)) {
    if (key === "X-Amz-Signature") continue;
    const existing = parsed[key];
    parsed[key] =
      existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return parsed;
}
