import type { Socket, SocketConstructorOpts } from "node:net";
import { builtin } from "../platform/builtins.js";
import { headerLine, readResponse } from "../platform/http1.js";
import { connectAndWrite } from "./rawConnect.js";

// node:net is loaded when first needed: for `register`, only once the request is out (rawConnect.ts).
const net = () => builtin("node:net");

/**
 * HTTP/1.1 over node:net for the Lambda Runtime API (`register` written without it: rawConnect.ts),
 * a local endpoint on the same host: one request per connection (`Connection: close`), bodies framed
 * by Content-Length, chunked encoding or the end of the connection (platform/http1.ts). `register` is on the cold-start
 * path and node:http alone takes about 5 ms to load; this is what the Extensions API needs and
 * nothing more.
 */
export interface PlainRequest {
  readonly method: "GET" | "POST" | "PUT";
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** No limit when absent: event/next waits as long as the environment is idle. */
  readonly timeoutMs?: number;
  /** Called once the whole request is handed to the kernel (`register`: the moment it is out). */
  readonly onWritten?: () => void;
  /**
   * For a request written without node:net (`register`): its answer waits in the kernel, unread,
   * until this settles, so that reading it (node:net's sockets and streams, the parse) does not hold
   * back what start-up does first. Through node:net the answer is read as it comes.
   */
  readonly readAfter?: Promise<void>;
}

export interface PlainResponse {
  readonly status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export class PlainHttpError extends Error {
  override readonly name = "PlainHttpError";
}

/** Far above any Runtime API answer; a bound so that a broken peer cannot fill the memory. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

/** Splits AWS_LAMBDA_RUNTIME_API ("127.0.0.1:9001", "localhost:9001", "[::1]:9001"). */
export function parseAddress(address: string): { host: string; port: number } {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]/\s]+)):(\d{1,5})$/.exec(address);
  const port = Number(match?.[3]);
  if (match === null || port < 1 || port > 65535) {
    throw new PlainHttpError(`the Runtime API address ${JSON.stringify(address)} is not host:port`);
  }
  return { host: match[1] ?? match[2] ?? "", port };
}

export function exchange(address: string, request: PlainRequest): Promise<PlainResponse> {
  // A throw in here (a header that cannot be sent, an address that is not host:port) rejects.
  return new Promise((resolve, reject) => {
    const head = requestHead(address, request);
    const { host, port } = parseAddress(address);
    const data = head + (request.body ?? "");
    // `register` (the one request with onWritten): connected and written without node:net where
    // Node's bindings allow, then read through a net.Socket on the same connection.
    const viaNet = () => {
      const socket = net().connect({ host, port });
      socket.on("connect", () => socket.write(data, () => request.onWritten?.()));
      converse(socket, request, resolve, reject);
    };
    const raw =
      request.onWritten !== undefined && isLatin1(data) ? connectAndWrite(host, port, data) : undefined;
    if (raw === undefined) return viaNet();
    raw.written.then((handle) => {
      request.onWritten?.();
      // The answer is read on a later turn: what waits for the request to be out (start-up loading
      // the rest of itself) goes first, and node:net loads after it.
      const read = () =>
        setImmediate(() => {
          const options = { handle, readable: true, writable: true } as SocketConstructorOpts;
          converse(new (net().Socket)(options), request, resolve, reject);
        });
      if (request.readAfter === undefined) read();
      else void request.readAfter.then(read);
    }, viaNet); // whatever failed (refused, reset, nothing written): node:net tries and reports it
  });
}

/** JavaScript strings the raw write sends as latin1: the head and body must be that, byte for byte. */
function isLatin1(text: string): boolean {
  return !/[\u0100-\uffff]/.test(text);
}

/** Reads the answer on `socket` (connected, the request written or being written) and settles. */
function converse(
  socket: Socket,
  request: PlainRequest,
  resolve: (response: PlainResponse) => void,
  reject: (error: Error) => void,
): void {
  let bytes = Buffer.alloc(0);
  let settled = false;
  const finish = (outcome: Error | PlainResponse) => {
    if (settled) return;
    settled = true;
    socket.destroy();
    if (outcome instanceof Error) reject(outcome);
    else resolve(outcome);
  };
  const cutShort = () =>
    new PlainHttpError(`${request.path}: the connection closed before a complete answer`);
  /** Settles once `bytes` hold a whole response; `ended`: the peer closed, so nothing more comes. */
  const settleIfComplete = (ended: boolean) => {
    try {
      const response = parseResponse(bytes, ended);
      if (response !== undefined) finish(response);
      else if (ended) finish(cutShort());
    } catch (error) {
      finish(error as Error);
    }
  };
  if (request.timeoutMs !== undefined) {
    socket.setTimeout(request.timeoutMs, () =>
      finish(new PlainHttpError(`${request.path} timed out after ${request.timeoutMs} ms`)),
    );
  }
  // No half-close after the request: HTTP servers take it as the client leaving, and the Runtime
  // API would drop a waiting event/next.
  socket.on("data", (chunk: Buffer) => {
    if (bytes.length + chunk.length > MAX_RESPONSE_BYTES) {
      return finish(new PlainHttpError(`${request.path} answered more than ${MAX_RESPONSE_BYTES} bytes`));
    }
    bytes = Buffer.concat([bytes, chunk]);
    settleIfComplete(false);
  });
  socket.on("end", () => settleIfComplete(true));
  socket.on("error", (error) => finish(error));
  socket.on("close", () => finish(cutShort()));
}

function requestHead(address: string, request: PlainRequest): string {
  if (!/^\/[\x21-\x7e]*$/.test(request.path)) {
    throw new PlainHttpError(`not a request path: ${JSON.stringify(request.path)}`);
  }
  const lines = [`${request.method} ${request.path} HTTP/1.1`, `Host: ${address}`, "Connection: close"];
  for (const [name, value] of Object.entries(request.headers)) lines.push(headerLine(name, value));
  if (request.body !== undefined) lines.push(`Content-Length: ${Buffer.byteLength(request.body)}`);
  return `${lines.join("\r\n")}\r\n\r\n`;
}

/**
 * The response in `bytes`, or undefined while more is to come. `ended`: the peer closed, so a body
 * framed by the end of the connection is complete.
 */
export function parseResponse(bytes: Buffer, ended: boolean): PlainResponse | undefined {
  const response = readResponse(bytes, ended);
  return response === undefined
    ? undefined
    : { status: response.status, headers: response.headers, body: response.body.toString("utf8") };
}
