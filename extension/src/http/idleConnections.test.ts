/**
 * Shedding idle connections on a real node:http server with a small cap: the oldest idle ones go
 * as new ones come; a request being received or answered is never cut off.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { type AddressInfo, connect, type Socket } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { shedIdleConnections } from "./idleConnections.js";

const MAX_OPEN = 4;

let server: Server;
let port: number;
/** Server-side sockets, in the order they were accepted. */
let accepted: Socket[];
/** Requests the handler holds until the test answers them. */
let held: { request: IncomingMessage; response: ServerResponse }[];
let nextConnection: (() => void) | undefined;
let nextRequest: (() => void) | undefined;
const clients: Socket[] = [];

beforeEach(async () => {
  accepted = [];
  held = [];
  server = createServer((request, response) => {
    if (request.url === "/hold") {
      held.push({ request, response });
      nextRequest?.();
      return;
    }
    response.end("ok");
  });
  // Registered before the shedder: the test sees each connection first.
  server.on("connection", (socket: Socket) => {
    accepted.push(socket);
    nextConnection?.();
  });
  shedIdleConnections(server, MAX_OPEN);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** A client connection, resolved once the server has accepted it. */
async function open(): Promise<Socket & { closedByServer: Promise<void> }> {
  const acceptedNow = new Promise<void>((resolve) => {
    nextConnection = resolve;
  });
  const client = connect(port, "127.0.0.1");
  client.on("error", () => undefined);
  clients.push(client);
  const closedByServer = new Promise<void>((resolve) => client.once("end", resolve));
  await acceptedNow;
  return Object.assign(client, { closedByServer });
}

function requestArrives(): Promise<void> {
  return new Promise((resolve) => {
    nextRequest = resolve;
  });
}

/** Until the server has read `bytes` from its side of the connection (no event says so). */
async function serverRead(index: number, bytes: number): Promise<void> {
  const deadline = Date.now() + 2_000;
  while ((accepted[index]?.bytesRead ?? 0) < bytes) {
    if (Date.now() > deadline) throw new Error(`the server never read ${bytes} bytes`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function isOpen(socket: Socket): boolean {
  return !socket.destroyed;
}

describe("shedIdleConnections", () => {
  it("closes the oldest idle connection when one more than the cap arrives, and only it", async () => {
    const first = await open();
    const others = [await open(), await open(), await open()];

    await open();
    await first.closedByServer;

    expect(accepted.map(isOpen)).toEqual([false, true, true, true, true]);
    for (const other of others) expect(other.readableEnded).toBe(false);
  });

  it("keeps open everything up to the cap (the control: nothing is closed below it)", async () => {
    for (let i = 0; i < MAX_OPEN; i++) await open();

    expect(accepted.map(isOpen)).toEqual([true, true, true, true]);
  });

  it("never cuts off a request being answered: it completes after the flood", async () => {
    // Prepare: the oldest connection's request is held by the handler
    const answering = await open();
    const arrived = requestArrives();
    answering.write("GET /hold HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    await arrived;
    const response = new Promise<string>((resolve) => {
      let text = "";
      answering.on("data", (chunk) => {
        text += chunk;
        if (text.endsWith("held")) resolve(text);
      });
    });

    // Act: twice the cap in idle connections
    for (let i = 0; i < 2 * MAX_OPEN; i++) await open();
    held[0]?.response.end("held");

    // Assess
    expect(await response).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(accepted.filter(isOpen).length).toBeLessThanOrEqual(MAX_OPEN + 1);
  });

  it("never cuts off a request whose headers are still arriving", async () => {
    // Prepare: half a request on the oldest connection
    const arriving = await open();
    const half = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    arriving.write(half);
    await serverRead(0, half.length);

    // Act
    for (let i = 0; i < 2 * MAX_OPEN; i++) await open();
    const answer = new Promise<string>((resolve) => arriving.once("data", (chunk) => resolve(String(chunk))));
    arriving.write("\r\n");

    // Assess
    expect(await answer).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(isOpen(accepted[0] as Socket)).toBe(true);
  });

  it("closes a keep-alive connection between requests like any idle one", async () => {
    // Prepare: a request answered, the connection kept
    const keptAlive = await open();
    const answered = new Promise<void>((resolve) => keptAlive.once("data", () => resolve()));
    keptAlive.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    await answered;

    // Act
    for (let i = 0; i < MAX_OPEN; i++) await open();

    // Assess
    await keptAlive.closedByServer;
    expect(isOpen(accepted[0] as Socket)).toBe(false);
  });

  it("closes none when every open connection is busy", async () => {
    for (let i = 0; i < MAX_OPEN; i++) {
      const busy = await open();
      const arrived = requestArrives();
      busy.write("GET /hold HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      await arrived;
    }

    await open();

    expect(accepted.map(isOpen)).toEqual([true, true, true, true, true]);
    for (const { response } of held) response.end();
  });
});
