import { connect, createServer, type Server } from "node:net";
import { networkInterfaces } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { type LoopbackHandle, listenOnLoopback } from "./loopbackBind.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function listening(port = 0, onConnection: (client: object) => void = () => undefined): LoopbackHandle {
  const loopback = listenOnLoopback(port, onConnection);
  expect(loopback, "this node has the tcp_wrap binding").toBeDefined();
  cleanups.push(() => (loopback as LoopbackHandle).close());
  return loopback as LoopbackHandle;
}

function connectTo(port: number, host = "127.0.0.1"): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once("connect", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"));
  });
}

describe("listenOnLoopback", () => {
  it("listens on 127.0.0.1 at once, on any free port, and hands each connection to its callback", async () => {
    // Prepare
    const accepted: object[] = [];
    const loopback = listening(0, (client) => accepted.push(client));

    // Act
    const outcome = await connectTo(loopback.port);

    // Assess
    expect(loopback.port).toBeGreaterThan(0);
    expect(outcome).toBe("connected");
    await expect.poll(() => accepted.length).toBe(1);
  });

  it("gives its handle to a server, which then takes the connections", async () => {
    // Prepare
    const early: object[] = [];
    const loopback = listening(0, (client) => early.push(client));
    const server: Server = createServer((socket) => socket.end("from the server"));
    cleanups.push(() => server.close());
    await new Promise<void>((resolve) => server.listen(loopback.handle, resolve));

    // Act
    const answer = await new Promise<string>((resolve, reject) => {
      let text = "";
      connect(loopback.port, "127.0.0.1")
        .on("data", (chunk) => {
          text += chunk;
        })
        .on("end", () => resolve(text))
        .on("error", reject);
    });

    // Assess
    expect(answer).toBe("from the server");
    expect(server.address()).toMatchObject({ address: "127.0.0.1", port: loopback.port });
    expect(early).toHaveLength(0);
  });

  it("is not reachable on the machine's other addresses", async () => {
    // Prepare: an address of this machine that is not loopback, where a wildcard bind would answer.
    const other = Object.values(networkInterfaces())
      .flat()
      .find((a) => a !== undefined && a.family === "IPv4" && !a.internal)?.address;
    if (other === undefined) return; // no such address here: nothing a wildcard bind could expose
    const loopback = listening();

    // Act
    const outcome = await connectTo(loopback.port, other);

    // Assess
    expect(outcome).toBe("ECONNREFUSED");
  });

  it("gives undefined for a port in use, so the caller's public listen reports EADDRINUSE", () => {
    // Prepare
    const taken = listening();

    // Act
    const second = listenOnLoopback(taken.port, () => undefined);

    // Assess
    expect(second).toBeUndefined();
  });
});
