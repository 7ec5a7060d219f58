import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { answerClientError } from "./clientErrors.js";

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * The credentials port, listening on bare node:http before `register` (the runtime may ask for
 * credentials as soon as it starts), while fastify — about half of the extension's start-up — is
 * loaded after `register` and handed this server through `serverFactory`. Requests that arrive in
 * between wait in a queue and are answered once the routes are ready.
 */
export interface EarlyListener {
  readonly server: Server;
  /** For fastify's `serverFactory`: keeps fastify's handler until `start()`. */
  factory(handler: Handler): Server;
  /** Routes queued and future requests to the handler given to `factory`. */
  start(): void;
  close(): Promise<void>;
}

export async function listenEarly(port: number, host = "127.0.0.1"): Promise<EarlyListener> {
  // The timeouts fastify would set on a server it created itself (slow clients, idle keep-alive).
  const server = createServer({ requestTimeout: 10_000, keepAliveTimeout: 72_000 });
  const queued: [IncomingMessage, ServerResponse][] = [];
  let handler: Handler | undefined;
  let ready: Handler | undefined;
  server.on("request", (request: IncomingMessage, response: ServerResponse) => {
    if (ready !== undefined) ready(request, response);
    else queued.push([request, response]);
  });
  const earlyClientError = (error: NodeJS.ErrnoException, socket: Socket) => answerClientError(error, socket);
  server.on("clientError", earlyClientError);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    server,
    factory(fastifyHandler) {
      handler = fastifyHandler;
      // fastify adds its own clientError listener next; two would both answer.
      server.off("clientError", earlyClientError);
      return server;
    },
    start() {
      if (handler === undefined) throw new Error("start() before fastify took the server");
      ready = handler;
      for (const [request, response] of queued.splice(0)) ready(request, response);
    },
    close: () =>
      new Promise((resolve) => {
        server.closeIdleConnections();
        server.close(() => resolve());
        // Keep-alive clients in the middle of nothing must not hold the shutdown.
        setImmediate(() => server.closeAllConnections());
      }),
  };
}
