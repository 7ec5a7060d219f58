import type { IncomingMessage } from "node:http";
import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { publicError } from "./errorBodies.js";

/**
 * Answers what Node's HTTP parser refuses before any route runs (malformed framing, headers over
 * 16 KB, a method it does not know, a request that never finishes arriving) in the same
 * `{Code, Message}` shape as every other error; Fastify's default answer has another shape. Nothing
 * of the request is echoed.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  writeAndClose(socket, statusFor(error.code));
  socket.destroy(error);
}

/** CONNECT (which Node hands to this event, not to the routes): never served. */
export function answerConnect(_request: IncomingMessage, socket: Duplex): void {
  writeAndClose(socket, 405);
  socket.end();
}

function statusFor(code: string | undefined): number {
  if (code === "HPE_HEADER_OVERFLOW") return 431;
  if (code === "ERR_HTTP_REQUEST_TIMEOUT") return 408;
  // Node's parser knows every registered method: anything else is a method not served here.
  if (code === "HPE_INVALID_METHOD") return 405;
  return 400;
}

function writeAndClose(socket: Duplex, statusCode: number): void {
  const { status, body } = publicError(statusCode);
  const text = JSON.stringify(body);
  if (!socket.writable) return;
  socket.write(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncache-control: no-store\r\ncontent-type: application/json\r\n` +
      `${status === 405 ? "allow: GET\r\n" : ""}content-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`,
  );
}
