import { type AddressInfo, createServer, type Server, Socket, type SocketConstructorOpts } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { refusingPort } from "../../test/support/refusingPort.js";
import { connectAndWrite } from "./rawConnect.js";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A server that records what it receives and answers `reply` once it saw `until`. */
async function recordingServer(host: string, until: string, reply: string) {
  const received: string[] = [];
  const server = createServer((socket) => {
    let text = "";
    socket.on("data", (chunk) => {
      text += chunk.toString("latin1");
      if (text.includes(until)) {
        received.push(text);
        socket.end(reply);
      }
    });
    socket.on("error", () => undefined);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { port: (server.address() as AddressInfo).port, received };
}

/** Reads everything on the raw connection's handle through a net.Socket, as plainHttp.ts does. */
function readAll(handle: object): Promise<string> {
  const socket = new Socket({ handle, readable: true, writable: true } as SocketConstructorOpts);
  return new Promise((resolve, reject) => {
    let text = "";
    socket.on("data", (chunk) => {
      text += chunk.toString("latin1");
    });
    socket.on("end", () => resolve(text));
    socket.on("error", reject);
  });
}

describe("connectAndWrite", () => {
  it.each([
    ["127.0.0.1", "127.0.0.1"],
    ["::1", "::1"],
  ])("connects to %s, writes the request whole, and the handle reads the answer", async (host, listenOn) => {
    const request = `POST /register HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}${"é".repeat(3)}`;
    const { port, received } = await recordingServer(listenOn, "{}ééé", "HTTP/1.1 200 OK\r\n\r\nhello");
    const raw = connectAndWrite(host, port, request);
    expect(raw).toBeDefined();
    const handle = await raw?.written;
    expect(await readAll(handle as object)).toBe("HTTP/1.1 200 OK\r\n\r\nhello");
    expect(received).toEqual([request]);
  });

  it("rejects with the errno when the connection is refused (the caller then goes through node:net)", async () => {
    const held = refusingPort();
    try {
      const raw = connectAndWrite("127.0.0.1", held.port, "GET / HTTP/1.1\r\n\r\n");
      expect(raw).toBeDefined();
      await expect(raw?.written).rejects.toMatchObject({ errno: expect.any(Number) });
    } finally {
      held.release();
    }
  });

  it.each(["localhost", "runtime.internal", "127.0.0"])(
    "leaves a host name (%s) to node:net, which resolves it",
    (host) => {
      expect(connectAndWrite(host, 9001, "x")).toBeUndefined();
    },
  );

  it.each([
    [
      "process.binding throws",
      () => {
        throw new Error("No such binding");
      },
    ],
    [
      "tcp_wrap has no TCPConnectWrap",
      (name: string) => (name === "tcp_wrap" ? { TCP: class {}, constants: { SOCKET: 0 } } : {}),
    ],
    [
      "stream_wrap has no WriteWrap",
      (name: string) =>
        name === "tcp_wrap" ? (process as unknown as { binding(n: string): unknown }).binding(name) : {},
    ],
  ])("leaves the request to node:net when %s", (_what, binding) => {
    expect(connectAndWrite("127.0.0.1", 9001, "x", binding)).toBeUndefined();
  });
});
