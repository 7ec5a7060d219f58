/**
 * A plain TCP relay in front of the sidecar (it adds no header) that counts credential requests, how
 * often an SDK really asked, and the statuses of the answers it relayed back. Its URL is 127.0.0.1
 * too, which every SDK accepts.
 */
import { createConnection, createServer, type Server, type Socket } from "node:net";

export interface CountingProxy {
  readonly port: number;
  requests(): number;
  /** The status of each answer relayed, in order. */
  statuses(): number[];
  waitForRequests(count: number, timeoutMs?: number): Promise<void>;
  /** Resolves once an answer with `status` went back to the client. */
  waitForStatus(status: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startCountingProxy(targetPort: number): Promise<CountingProxy> {
  let count = 0;
  const statuses: number[] = [];
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const listener of [...listeners]) listener();
  };
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: "127.0.0.1", port: targetPort });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => undefined);
      socket.on("close", () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(socket);
      });
    }
    client.on("data", (chunk: Buffer) => {
      count += chunk.toString("latin1").split("GET /roles/").length - 1;
      changed();
    });
    upstream.on("data", (chunk: Buffer) => {
      for (const match of chunk.toString("latin1").matchAll(/HTTP\/1\.[01] (\d{3}) /g))
        statuses.push(Number(match[1]));
      changed();
    });
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));

  /** Resolves once `done()` holds, checked on every byte relayed; bounded. */
  const waitUntil = (done: () => boolean, what: () => string, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!done()) return;
        clearTimeout(timer);
        listeners.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`counting proxy: ${what()} after ${timeoutMs} ms`));
      }, timeoutMs);
      listeners.add(check);
      check();
    });

  return {
    port: (server.address() as { port: number }).port,
    requests: () => count,
    statuses: () => [...statuses],
    waitForRequests: (wanted, timeoutMs = 10_000) =>
      waitUntil(
        () => count >= wanted,
        () => `saw ${count} of ${wanted} requests`,
        timeoutMs,
      ),
    waitForStatus: (status, timeoutMs = 10_000) =>
      waitUntil(
        () => statuses.includes(status),
        () => `no ${status} among the answers ${statuses.join(", ")}`,
        timeoutMs,
      ),
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
