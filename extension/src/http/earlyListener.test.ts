import { createServer, type RequestListener, type Server } from "node:http";
import { connect, createServer as createNetServer, type Server as NetServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { answerClientError } from "./clientErrors.js";
import { type EarlyListener, listenEarly, listenOnHandle } from "./earlyListener.js";

let listener: EarlyListener | undefined;
afterEach(async () => {
  await listener?.close();
  listener = undefined;
});

/** A raw HTTP/1.1 exchange: resolves with everything the server sent once it closes. */
function rawExchange(
  port: number,
  request: string,
): { connected: Promise<void>; answered: Promise<void>; reply: Promise<string> } {
  let connected!: () => void;
  const connectedPromise = new Promise<void>((resolve) => {
    connected = resolve;
  });
  let answered!: () => void;
  const answeredPromise = new Promise<void>((resolve) => {
    answered = resolve;
  });
  const reply = new Promise<string>((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => {
      socket.write(request);
      connected();
    });
    let text = "";
    socket.on("data", (chunk) => {
      text += chunk.toString();
      answered();
    });
    socket.on("error", reject);
    socket.on("close", () => resolve(text));
  });
  return { connected: connectedPromise, answered: answeredPromise, reply };
}

const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`;

function echoServer(seen: string[] = []): Server {
  const echo: RequestListener = (request, response) => {
    seen.push(request.url ?? "");
    response.end(request.url);
  };
  const server = createServer(echo);
  server.on("clientError", answerClientError);
  return server;
}

describe("listenEarly", () => {
  it("answers a request still waiting after the bound with a 503 {Code, Message}, not a reset", async () => {
    // Prepare: a bound of 50 ms, and no HTTP server ever takes the port over
    listener = await listenEarly(0, "127.0.0.1", 50);

    // Act
    const reply = await rawExchange(listener.port, get("/roles/a")).reply;

    // Assert
    expect(reply).toMatch(/^HTTP\/1\.1 503 /);
    const body = JSON.parse(reply.slice(reply.indexOf("\r\n\r\n") + 4));
    expect(body).toEqual({ Code: "NotReady", Message: expect.stringContaining("starting") });
  });

  it("hands over a waiting connection before the bound without any 503", async () => {
    // Prepare
    listener = await listenEarly(0, "127.0.0.1", 200);
    const exchange = rawExchange(listener.port, get("/roles/a"));
    await exchange.connected;

    // Act
    await listener.handOver(echoServer());

    // Assert
    expect(await exchange.reply).toMatch(/^HTTP\/1\.1 200 [\s\S]*\/roles\/a$/);
  });

  it("accepts connections at once and hands the waiting ones, in order, to the HTTP server", async () => {
    // Prepare
    listener = await listenEarly(0);
    const seen: string[] = [];

    // Act: two requests are sent while no HTTP server exists, then the port is handed over
    const first = rawExchange(listener.port, get("/one"));
    await first.connected;
    const second = rawExchange(listener.port, get("/two"));
    await second.connected;
    await listener.handOver(echoServer(seen));

    // Assess: both answered, in arrival order; later connections go straight to the server
    expect(await first.reply).toMatch(/^HTTP\/1\.1 200 [\s\S]*\r\n\r\n\/one$/);
    expect(await second.reply).toMatch(/\r\n\r\n\/two$/);
    expect(seen).toEqual(["/one", "/two"]);
    expect(await (await fetch(`http://127.0.0.1:${listener.port}/three`)).text()).toBe("/three");
  });

  it("answers a malformed request that came early with {Code, Message} once handed over", async () => {
    listener = await listenEarly(0);
    const bad = rawExchange(listener.port, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n");
    await bad.connected;
    await listener.handOver(echoServer());
    const reply = await bad.reply;
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    expect(reply).toMatch(/"Code":"[A-Za-z]+","Message":/);
  });

  it("survives a client that leaves while waiting", async () => {
    listener = await listenEarly(0);
    const port = listener.port;
    await new Promise<void>((resolve) => {
      const socket = connect(port, "127.0.0.1", () => socket.resetAndDestroy());
      socket.on("close", () => resolve());
    });
    await listener.handOver(echoServer());
    expect(await (await fetch(`http://127.0.0.1:${port}/after`)).text()).toBe("/after");
  });

  it("hands over once only", async () => {
    listener = await listenEarly(0);
    await listener.handOver(echoServer());
    await expect(listener.handOver(echoServer())).rejects.toThrow(/already handed over/);
  });

  it("closes before a handover, ending waiting connections and freeing the port", async () => {
    listener = await listenEarly(0);
    const port = listener.port;
    const waiting = rawExchange(port, get("/never"));
    await waiting.connected;
    await listener.close();
    listener = undefined;
    // Ended unanswered: closed, or reset since its request was never read.
    expect(await waiting.reply.catch((error: NodeJS.ErrnoException) => error.code)).toMatch(
      /^(|ECONNRESET)$/,
    );
    listener = await listenEarly(port);
    expect(listener.port).toBe(port);
  });

  it("closes after a handover, keep-alive connections included", async () => {
    listener = await listenEarly(0);
    const port = listener.port;
    await listener.handOver(echoServer());
    const idle = rawExchange(port, "GET /kept HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    await idle.answered;
    await listener.close();
    listener = undefined;
    expect(await idle.reply).toMatch(/\/kept$/);
    await expect(fetch(`http://127.0.0.1:${port}/gone`)).rejects.toThrow();
  });

  it("fails like a port in use when it is", async () => {
    listener = await listenEarly(0);
    await expect(listenEarly(listener.port)).rejects.toMatchObject({ code: "EADDRINUSE" });
  });
});

describe("listenOnHandle", () => {
  /** A port bound and listening by node:net, not accepting (its connections go to whoever takes the handle). */
  async function boundServer(): Promise<NetServer> {
    const bound = createNetServer({ pauseOnConnect: true });
    await new Promise<void>((resolve) => bound.listen(0, "127.0.0.1", resolve));
    return bound;
  }
  const listening = (server: Server, handle: object) =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      listenOnHandle(server, handle, resolve);
    });

  it.each([
    ["the bound server", (bound: NetServer) => bound],
    ["its TCP handle", (bound: NetServer) => (bound as unknown as { _handle: object })._handle],
  ])("hands %s to the HTTP server through _listen2, without listen()", async (_, handleOf) => {
    const bound = await boundServer();
    const port = (bound.address() as { port: number }).port;
    const server = echoServer();
    let listenCalls = 0;
    const listen = server.listen.bind(server);
    server.listen = ((...args: Parameters<Server["listen"]>) => {
      listenCalls++;
      return listen(...args);
    }) as Server["listen"];
    try {
      await listening(server, handleOf(bound));

      expect(listenCalls).toBe(0);
      expect((server.address() as { port: number }).port).toBe(port);
      expect(await rawExchange(port, get("/roles/a")).reply).toMatch(/^HTTP\/1\.1 200 [\s\S]*\/roles\/a$/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("falls back to listen() where the server has no _listen2", () => {
    const calls: unknown[][] = [];
    const server = { listen: (...args: unknown[]) => calls.push(args) } as unknown as NetServer;
    const handle = {};
    const onListening = () => undefined;

    listenOnHandle(server, handle, onListening);

    expect(calls).toEqual([[handle, onListening]]);
  });

  it("reports a handle that cannot listen as the server's error, as listen() does", async () => {
    const bound = await boundServer();
    const handle = (bound as unknown as { _handle: { close(): void } })._handle;
    handle.close();
    const server = echoServer();

    await expect(listening(server, handle)).rejects.toThrow(/listen/);
  });
});
