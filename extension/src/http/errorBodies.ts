import type { ErrorBody } from "./wireFormat.js";

/**
 * The body for an error raised by fastify, Node's parser or a hook, chosen by status alone: their
 * own codes (`FST_ERR_*`, `HPE_*`) and messages describe our internals and never reach a client.
 */
const BY_STATUS: Readonly<Record<number, ErrorBody>> = {
  400: { Code: "BadRequest", Message: "the request is not valid HTTP/1.1 or its URL is not valid" },
  404: { Code: "NotFound", Message: "nothing here; credentials are at /roles/<name>" },
  405: { Code: "MethodNotAllowed", Message: "only GET is served here" },
  408: { Code: "RequestTimeout", Message: "the request did not arrive in time" },
  413: { Code: "BodyTooLarge", Message: "a credentials request has no body" },
  414: { Code: "UriTooLong", Message: "a path segment is longer than 100 characters" },
  415: { Code: "UnsupportedMediaType", Message: "a credentials request has no body" },
  431: { Code: "HeadersTooLarge", Message: "the request headers are larger than 16 KB" },
  503: { Code: "ShuttingDown", Message: "the sidecar is stopping" },
};

const INTERNAL: ErrorBody = { Code: "InternalError", Message: "the sidecar failed to answer; see its log" };

/** A status and body to answer with: 4xx and 503 keep their status, anything else is a 500. */
export function publicError(statusCode: number | undefined): { status: number; body: ErrorBody } {
  const known = statusCode === undefined ? undefined : BY_STATUS[statusCode];
  if (statusCode !== undefined && known !== undefined) return { status: statusCode, body: known };
  if (statusCode !== undefined && statusCode >= 400 && statusCode < 500) {
    return { status: statusCode, body: { Code: "BadRequest", Message: "the request was refused" } };
  }
  return { status: 500, body: INTERNAL };
}
