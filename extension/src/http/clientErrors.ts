import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { ErrorBody } from "./wireFormat.js";

/**
 * Answers what Node's HTTP parser refuses before any route runs (malformed framing, headers over
 * 16 KB, a request that never finishes arriving) in the same `{Code, Message}` shape as every other
 * error; Fastify's default answer has another shape. Nothing of the request is echoed.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const [status, body] = describe(error.code);
  const text = JSON.stringify(body);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncache-control: no-store\r\ncontent-type: application/json\r\n` +
        `content-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`,
    );
  }
  socket.destroy(error);
}

function describe(code: string | undefined): [number, ErrorBody] {
  if (code === "HPE_HEADER_OVERFLOW")
    return [431, { Code: "HeadersTooLarge", Message: "the request headers are larger than 16 KB" }];
  if (code === "ERR_HTTP_REQUEST_TIMEOUT")
    return [408, { Code: "RequestTimeout", Message: "the request did not arrive in time" }];
  return [400, { Code: "BadRequest", Message: "the request is not valid HTTP/1.1" }];
}
