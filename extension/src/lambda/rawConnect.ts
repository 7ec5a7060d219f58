/**
 * Connects to an IP address and writes one request through Node's own `tcp_wrap` and `stream_wrap`
 * bindings, without node:net: the register request is the last thing before `register`, and node:net
 * with its stream machinery costs milliseconds to load there. The connected handle is then given to
 * a net.Socket (loaded after the request is out) to read the answer, as loopbackBind.ts gives its
 * handle to the HTTP server. The bindings are Node's internal ones (process.binding is
 * documentation-deprecated): when one is missing or changed, or the address is a host name, this
 * returns undefined and the caller goes through node:net.
 */
import { nodeBinding } from "../platform/builtins.js";

interface TcpSocketHandle {
  connect(req: object, address: string, port: number): number;
  connect6(req: object, address: string, port: number): number;
  writeLatin1String(req: object, data: string): number;
  close(): void;
}
interface TcpWrapBinding {
  TCP: new (type: number) => TcpSocketHandle;
  TCPConnectWrap: new () => { oncomplete?: (status: number) => void; address?: string; port?: number };
  constants: { SOCKET: number };
}
interface StreamWrapBinding {
  WriteWrap: new () => { handle?: object; oncomplete?: (status: number) => void; async?: boolean };
}

export interface RawWrite {
  /** Resolves with the connected handle once the request is handed over; rejects with the errno. */
  readonly written: Promise<object>;
}

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/** Node's `process.binding` (tests give another, to play a Node whose bindings differ). */
export type BindingLookup = (name: string) => unknown;

function bindings(binding: BindingLookup): { tcp: TcpWrapBinding; stream: StreamWrapBinding } | undefined {
  try {
    const tcp = binding("tcp_wrap") as TcpWrapBinding;
    const stream = binding("stream_wrap") as StreamWrapBinding;
    if (
      typeof tcp?.TCP !== "function" ||
      typeof tcp.TCPConnectWrap !== "function" ||
      typeof tcp.constants?.SOCKET !== "number" ||
      typeof stream?.WriteWrap !== "function"
    )
      return undefined;
    return { tcp, stream };
  } catch {
    return undefined;
  }
}

/**
 * Connects to `host` (an IP address) and writes `data` (latin1: an HTTP head and a JSON body of
 * ASCII). Undefined when this cannot be done without node:net.
 */
export function connectAndWrite(
  host: string,
  port: number,
  data: string,
  binding: BindingLookup = nodeBinding,
): RawWrite | undefined {
  const ipv6 = host.includes(":");
  if (!ipv6 && !IPV4.test(host)) return undefined;
  const found = bindings(binding);
  if (found === undefined) return undefined;
  const handle = new found.tcp.TCP(found.tcp.constants.SOCKET);
  for (const method of ["connect", "connect6", "writeLatin1String", "close"] as const) {
    if (typeof handle[method] !== "function") return undefined;
  }
  const written = new Promise<object>((resolve, reject) => {
    const fail = (status: number) => {
      handle.close();
      reject(Object.assign(new Error(`connect to ${host}:${port} failed (${status})`), { errno: status }));
    };
    const connecting = new found.tcp.TCPConnectWrap();
    connecting.address = host;
    connecting.port = port;
    connecting.oncomplete = (status) => {
      if (status !== 0) return fail(status);
      const writing = new found.stream.WriteWrap();
      writing.handle = handle;
      writing.async = false;
      // libuv writes what the kernel did not take at once when the socket is writable again; a
      // failure then shows as the connection closing before an answer, on the reading side.
      writing.oncomplete = () => {};
      const error = handle.writeLatin1String(writing, data);
      if (error !== 0) return fail(error);
      resolve(handle);
    };
    const error = ipv6 ? handle.connect6(connecting, host, port) : handle.connect(connecting, host, port);
    if (error !== 0) fail(error);
  });
  return { written };
}
