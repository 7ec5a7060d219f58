import type { Server as HttpServer } from "node:http";
import { type AddressInfo, createServer, type Socket } from "node:net";

/**
 * The credentials port, bound before `register` (the runtime may ask for credentials as soon as it
 * starts) with node:net alone: node:http and fastify are loaded after `register`, which keeps them
 * out of the function's cold start. Connections that arrive in between are accepted paused, so not
 * a byte of them is read, and are handed to the HTTP server together with the listening socket.
 */
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

export async function listenEarly(port: number, host = "127.0.0.1"): Promise<EarlyListener> {
  const waiting = new Set<Socket>();
  // A client that gives up while waiting must not crash the process or stay in the queue.
  const dropOnError = function (this: Socket) {
    waiting.delete(this);
    this.destroy();
  };
  const early = createServer({ pauseOnConnect: true }, (socket) => {
    waiting.add(socket);
    socket.on("error", dropOnError);
  });
  await new Promise<void>((resolve, reject) => {
    early.once("error", reject);
    early.listen(port, host, () => {
      early.off("error", reject);
      resolve();
    });
  });

  let handedTo: HttpServer | undefined;
  return {
    port: (early.address() as AddressInfo).port,
    async handOver(server) {
      if (handedTo !== undefined) throw new Error("the credentials port was already handed over");
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        // `listen(handle)` takes over the bound socket: new connections go to `server` from now on.
        server.listen(early, () => {
          server.off("error", reject);
          resolve();
        });
      });
      handedTo = server;
      for (const socket of waiting) {
        socket.off("error", dropOnError);
        server.emit("connection", socket);
        socket.resume();
      }
      waiting.clear();
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of waiting) socket.destroy();
        waiting.clear();
        if (handedTo === undefined) return void early.close(() => resolve());
        const server = handedTo;
        server.closeIdleConnections();
        server.close(() => resolve());
        // Keep-alive clients in the middle of nothing must not hold the shutdown.
        setImmediate(() => server.closeAllConnections());
      }),
  };
}
