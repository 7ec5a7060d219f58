/**
 * A TCP handle bound to 127.0.0.1:`port`, made with Node's own `tcp_wrap` binding, for
 * `server.listen(handle)`. `listen(port, "127.0.0.1")` resolves the host through node:dns and then
 * filters the answer with Node's IPv6 pattern, whose first use compiles a large regular expression:
 * about 5 ms of the CPU time before `register`, on every cold start, for an address that needs no
 * lookup. The binding is Node's internal one (process.binding is documentation-deprecated); when it
 * is missing or changed, or the bind fails at once, this returns undefined and the caller listens the
 * public way. libuv defers most bind errors (EADDRINUSE) to `listen`, which reports them as usual.
 */
interface TcpHandle {
  bind(address: string, port: number): number;
  close(): void;
}
interface TcpWrapBinding {
  TCP: new (type: number) => TcpHandle;
  constants: { SERVER: number };
}

export function boundLoopbackHandle(port: number): object | undefined {
  let binding: TcpWrapBinding;
  try {
    binding = (process as unknown as { binding(name: string): TcpWrapBinding }).binding("tcp_wrap");
  } catch {
    return undefined;
  }
  if (typeof binding?.TCP !== "function" || typeof binding.constants?.SERVER !== "number") return undefined;
  const handle = new binding.TCP(binding.constants.SERVER);
  if (typeof handle.bind !== "function") return undefined;
  if (handle.bind("127.0.0.1", port) !== 0) {
    handle.close();
    return undefined;
  }
  return handle;
}
