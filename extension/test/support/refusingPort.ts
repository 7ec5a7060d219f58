import { nodeBinding } from "../../src/platform/builtins.js";

interface TcpHandle {
  bind(address: string, port: number): number;
  getsockname(out: { port?: number }): number;
  close(): void;
}

/**
 * A loopback port that refuses every connection for as long as it is held: bound, never listening,
 * so no other process can take it meanwhile (as one could a port closed a moment ago).
 */
export function refusingPort(): { port: number; release(): void } {
  const { TCP, constants } = nodeBinding("tcp_wrap") as {
    TCP: new (type: number) => TcpHandle;
    constants: { SOCKET: number };
  };
  const handle = new TCP(constants.SOCKET);
  const address: { port?: number } = {};
  if (handle.bind("127.0.0.1", 0) !== 0 || handle.getsockname(address) !== 0 || address.port === undefined) {
    handle.close();
    throw new Error("could not bind a loopback port to hold");
  }
  return { port: address.port, release: () => handle.close() };
}
