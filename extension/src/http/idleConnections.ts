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
 * Keeps the server's open connections at `maxOpen` by closing idle ones, oldest first, as new ones
 * arrive. Idle: no request being answered, and not a byte received since the last answer (a
 * connection that never sent anything, or a keep-alive one between requests). A request that has
 * begun to arrive, or is being answered, is never cut off; when every connection is busy, none is
 * closed.
 */
export function shedIdleConnections(server: Server, maxOpen = MAX_OPEN_CONNECTIONS): void {
  /** Open connections, oldest first (a Set iterates in insertion order). */
  const open = new Set<Socket>();
  /** Requests being answered, and bytes read when the last answer ended, by connection. */
  const busy = new Map<Socket, number>();
  const readAtLastAnswer = new WeakMap<Socket, number>();

  const isIdle = (socket: Socket) =>
    !busy.has(socket) && socket.bytesRead === (readAtLastAnswer.get(socket) ?? 0);

  server.on("connection", (socket: Socket) => {
    open.add(socket);
    socket.once("close", () => {
      open.delete(socket);
      busy.delete(socket);
    });
    if (open.size <= maxOpen) return;
    for (const candidate of open) {
      if (open.size <= maxOpen) break;
      if (candidate === socket || !isIdle(candidate)) continue;
      open.delete(candidate);
      candidate.destroy();
    }
  });

  server.on("request", (request, response) => {
    const socket = request.socket;
    busy.set(socket, (busy.get(socket) ?? 0) + 1);
    response.once("close", () => {
      const left = (busy.get(socket) ?? 1) - 1;
      if (left > 0) busy.set(socket, left);
      else busy.delete(socket);
      readAtLastAnswer.set(socket, socket.bytesRead);
    });
  });
}
