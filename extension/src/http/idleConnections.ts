import type { Server } from "node:http";
import type { Socket } from "node:net";

/**
 * Lambda gives the extension 1,024 file descriptors. On Managed Instances hundreds of runtime
 * workers may each keep connections to the sidecar open; past the limit, node's accept loop closes
 * every new connection at once (libuv's EMFILE trick) until the idle ones time out, which Node
 * checks only every 30 s: new requests get resets all that time. Keeping at most this many
 * connections open leaves room for everything else the process holds (STS sockets, the Runtime
 * API, inotify, its own files) well below the limit.
 */
export const MAX_OPEN_CONNECTIONS = 768;

/**
 * Keeps the server's open connections at `maxOpen` by closing idle ones as new ones arrive: first
 * every keep-alive connection between requests (Node's own `closeIdleConnections()`), then, oldest
 * first, connections that never sent a byte. A request that has begun to arrive, or is being
 * answered, is never cut off; when every connection is busy, none is closed. The work is per
 * connection and only past the cap, none per request: tracking each request's state here cost 15%
 * of the throughput and 11 MiB under load (bench/RESULTS.md, "What was tried").
 */
export function shedIdleConnections(server: Server, maxOpen = MAX_OPEN_CONNECTIONS): void {
  /** Open connections, oldest first (a Set iterates in insertion order). */
  const open = new Set<Socket>();
  const shed = () => {
    server.closeIdleConnections();
    for (const socket of open) {
      if (open.size < maxOpen) return;
      if (socket.destroyed) open.delete(socket);
      else if (socket.bytesRead === 0) {
        open.delete(socket);
        socket.destroy();
      }
    }
  };
  // First among the 'connection' listeners: the new connection is neither in node:http's list that
  // `closeIdleConnections()` walks nor in `open` while the others are shed.
  server.prependListener("connection", (socket: Socket) => {
    if (open.size >= maxOpen) shed();
    open.add(socket);
    socket.once("close", () => open.delete(socket));
  });
}
