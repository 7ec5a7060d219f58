import { createServer, type Server } from "node:net";
import { networkInterfaces } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { boundLoopbackHandle } from "./loopbackBind.js";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

function listenOn(handle: object): Promise<Server> {
  const server = createServer((socket) => socket.end("hello"));
  servers.push(server);
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(handle, () => resolve(server));
  });
}

describe("boundLoopbackHandle", () => {
  it("binds 127.0.0.1 only, on the port asked for or any free one, and a server listens on it", async () => {
    // Act
    const handle = boundLoopbackHandle(0);

    // Assess
    expect(handle, "this node has the tcp_wrap binding").toBeDefined();
    const server = await listenOn(handle as object);
    const address = server.address();
    expect(address).toMatchObject({ address: "127.0.0.1", family: "IPv4" });
    expect(typeof address === "object" && address !== null && address.port > 0).toBe(true);
  });

  it("is not reachable on the machine's other addresses", async () => {
    // Prepare: an address of this machine that is not loopback, where a wildcard bind would answer.
    const other = Object.values(networkInterfaces())
      .flat()
      .find((a) => a !== undefined && a.family === "IPv4" && !a.internal)?.address;
    if (other === undefined) return; // no such address here: nothing a wildcard bind could expose
    const server = await listenOn(boundLoopbackHandle(0) as object);
    const port = (server.address() as { port: number }).port;

    // Act
    const outcome = await new Promise<string>((resolve) => {
      import("node:net").then(({ connect }) => {
        const socket = connect(port, other);
        socket.once("connect", () => {
          socket.destroy();
          resolve("connected");
        });
        socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"));
      });
    });

    // Assess
    expect(outcome).toBe("ECONNREFUSED");
  });

  it("leaves a port in use to listen, which reports EADDRINUSE (libuv defers the bind's error)", async () => {
    // Prepare
    const server = await listenOn(boundLoopbackHandle(0) as object);
    const port = (server.address() as { port: number }).port;

    // Act
    const handle = boundLoopbackHandle(port);

    // Assess
    await expect(listenOn(handle as object)).rejects.toMatchObject({ code: "EADDRINUSE" });
  });
});
