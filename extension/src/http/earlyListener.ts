import type { Server as HttpServer } from "node:http";
import type { AddressInfo, Server as NetServer, Socket, SocketConstructorOpts } from "node:net";
import { builtin } from "../platform/builtins.js";
import { listenOnLoopback } from "./loopbackBind.js";

// node:net is loaded when first needed: a connection before the hand-over, or the public listen.
// Before `register` neither happens where Node's binding listens (loopbackBind.ts), and node:net
// with its streams costs milliseconds to load there.
const net = () => builtin("node:net");

/**
 * The credentials port, bound before `register` (the runtime may ask for credentials as soon as it
 * starts) with no net.Server where Node's binding allows (loopbackBind.ts), else with node:net:
 * node:http and fastify are loaded after `register`, which keeps them out of the function's cold start. Connections that arrive in between are accepted paused, so not
 * a byte of them is read, and are handed to the HTTP server together with the listening socket.
 * The wait is bounded: a connection still waiting after `waitMs` (start-up is stuck) is answered
 * 503 with a `{Code, Message}` body and closed, never reset nor held for ever.
 */

/** Hand-over normally comes within tens of milliseconds of `register`; init as a whole has 10 s. */
export const EARLY_WAIT_MS = 5000;

const NOT_READY_BODY = JSON.stringify({
  Code: "NotReady",
  Message: "the sidecar is still starting; try again",
});
const NOT_READY = [
  "HTTP/1.1 503 Service Unavailable",
  "Content-Type: application/json",
  `Content-Length: ${Buffer.byteLength(NOT_READY_BODY)}`,
  "Retry-After: 1",
  "Connection: close",
  "",
  NOT_READY_BODY,
].join("\r\n");
export interface EarlyListener {
  readonly port: number;
  /**
   * Makes `server` (created, not listening) listen on this socket, through `listen(handle)`, and
   * gives it the connections that were waiting, in the order they came.
   */
  handOver(server: HttpServer): Promise<void>;
  /** Stops accepting and ends every connection, waiting or handed over. */
  close(): Promise<void>;
}

export async function listenEarly(
  port: number,
  host = "127.0.0.1",
  waitMs = EARLY_WAIT_MS,
): Promise<EarlyListener> {
  const waiting = new Map<Socket, NodeJS.Timeout>();
  const forget = (socket: Socket) => {
    clearTimeout(waiting.get(socket));
    waiting.delete(socket);
  };
  // A client that gives up while waiting must not crash the process or stay in the queue.
  const dropOnError = function (this: Socket) {
    forget(this);
    this.destroy();
  };
  const accept = (socket: Socket) => {
    socket.on("error", dropOnError);
    const timer = setTimeout(() => {
      forget(socket);
      // The request is read and dropped: closing with unread bytes would reset the connection, and
      // a reset can discard the answer before the client reads it.
      socket.on("data", () => undefined);
      socket.resume();
      socket.setTimeout(1000, () => socket.destroy());
      socket.end(NOT_READY);
    }, waitMs);
    timer.unref();
    waiting.set(socket, timer);
  };
  // Accepted paused, as net.Server's pauseOnConnect does: not a byte is read before the hand-over.
  const loopback =
    host === "127.0.0.1"
      ? listenOnLoopback(port, (client) =>
          accept(
            new (net().Socket)({
              handle: client,
              pauseOnCreate: true,
              readable: true,
              writable: true,
            } as SocketConstructorOpts),
          ),
        )
      : undefined;
  let early: NetServer | undefined;
  if (loopback === undefined) {
    const server = net().createServer({ pauseOnConnect: true }, accept);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    early = server;
  }
  const listening: object = loopback?.handle ?? (early as NetServer);

  let handedTo: HttpServer | undefined;
  return {
    port: loopback?.port ?? ((early as NetServer).address() as AddressInfo).port,
    async handOver(server) {
      if (handedTo !== undefined) throw new Error("the credentials port was already handed over");
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        // Takes over the bound socket: new connections go to `server` from now on.
        listenOnHandle(server, listening, () => {
          server.off("error", reject);
          resolve();
        });
      });
      handedTo = server;
      for (const [socket, timer] of waiting) {
        clearTimeout(timer);
        socket.off("error", dropOnError);
        server.emit("connection", socket);
        socket.resume();
      }
      waiting.clear();
    },
    close: () =>
      new Promise((resolve) => {
        for (const [socket, timer] of waiting) {
          clearTimeout(timer);
          socket.destroy();
        }
        waiting.clear();
        if (handedTo === undefined) {
          if (early !== undefined) return void early.close(() => resolve());
          loopback?.close();
          return resolve();
        }
        const server = handedTo;
        server.closeIdleConnections();
        server.close(() => resolve());
        // Keep-alive clients in the middle of nothing must not hold the shutdown.
        setImmediate(() => server.closeAllConnections());
      }),
  };
}

/** What of node:net's Server `listenOnHandle` uses beyond its public interface. */
interface ServerInternals {
  _handle?: unknown;
  _listen2?: (address: null, port: number, addressType: number, backlog: undefined) => void;
}

/**
 * `server.listen(handle, onListening)` without its first step: node:net loads node:cluster there
 * (1.3-1.6 ms after `register`, on the way to first credentials) to ask whether this process is a
 * cluster worker, which the sidecar never is, before it hands the handle to `_listen2` (the name Node
 * keeps for code that wraps it). `handle` is a bound TCP handle or a net.Server holding one. Where
 * `_listen2` is missing, or `server` has a handle already, `listen` does it all as usual.
 */
export function listenOnHandle(server: NetServer, handle: object, onListening: () => void): void {
  const internals = server as unknown as ServerInternals;
  if (typeof internals._listen2 !== "function" || internals._handle) {
    server.listen(handle, onListening);
    return;
  }
  server.once("listening", onListening);
  internals._handle = (handle as { _handle?: object })._handle ?? handle;
  internals._listen2(null, -1, -1, undefined);
}
