/**
 * The credentials port listening on 127.0.0.1 through Node's own `tcp_wrap` binding, with no
 * net.Server: the kernel queues connections from the moment it listens, and `server.listen(handle)`
 * later gives the handle to the HTTP server. Before `register` this saves the two costs of a
 * net.Server: `listen(port, "127.0.0.1")` resolves the host through node:dns and filters the answer
 * with Node's IPv6 pattern, whose first use compiles a large regular expression (~4-5 ms of CPU),
 * and every net.Server listen loads node:cluster (with child_process and dgram, ~1.5 ms).
 * The binding is Node's internal one (process.binding is documentation-deprecated): when it is
 * missing or changed, or binding or listening fails, this returns undefined and the caller listens
 * the public way, which also reports the error (EADDRINUSE, EACCES) as usual.
 */
import { nodeBinding } from "../platform/builtins.js";

interface TcpHandle {
  bind(address: string, port: number): number;
  listen(backlog: number): number;
  getsockname(out: { port?: number }): number;
  close(): void;
  onconnection: ((status: number, client: object | undefined) => void) | null;
}
interface TcpWrapBinding {
  TCP: new (type: number) => TcpHandle;
  constants: { SERVER: number };
}

export interface LoopbackHandle {
  /** The TCP handle, for `server.listen(handle)`. */
  readonly handle: object;
  readonly port: number;
  close(): void;
}

/** Node's backlog default for `listen`. */
const BACKLOG = 511;

/**
 * Listens on 127.0.0.1:`port` (0: any free port); each accepted connection's handle goes to
 * `onConnection` until the handle is given to a server, which then takes them.
 */
export function listenOnLoopback(
  port: number,
  onConnection: (client: object) => void,
): LoopbackHandle | undefined {
  let binding: TcpWrapBinding;
  try {
    binding = nodeBinding("tcp_wrap") as TcpWrapBinding;
  } catch {
    return undefined;
  }
  if (typeof binding?.TCP !== "function" || typeof binding.constants?.SERVER !== "number") return undefined;
  const handle = new binding.TCP(binding.constants.SERVER);
  for (const method of ["bind", "listen", "getsockname", "close"] as const) {
    if (typeof handle[method] !== "function") return undefined;
  }
  const address: { port?: number } = {};
  handle.onconnection = (status, client) => {
    if (status === 0 && client !== undefined) onConnection(client);
  };
  // libuv defers a bind's EADDRINUSE to listen; either way the public path reports it.
  if (
    handle.bind("127.0.0.1", port) !== 0 ||
    handle.listen(BACKLOG) !== 0 ||
    handle.getsockname(address) !== 0 ||
    typeof address.port !== "number"
  ) {
    handle.close();
    return undefined;
  }
  return { handle, port: address.port, close: () => handle.close() };
}
