/**
 * Peers that STS calls meet on the way, for the connection tests (issue 19 §3), each on port 0:
 * - a front to STS that resets every request arriving on a kept-alive socket it already answered on,
 *   as a NAT gateway that dropped an idle connection, or a sandbox thawed after a long freeze;
 * - an STS that answers 200 and then trickles its body a byte at a time, never finishing;
 * - an HTTP proxy: CONNECT tunnels (node:http's 'connect' event) and absolute-form requests, as
 *   corporate and VPC proxies take them, resolving some names only it knows;
 * - a TLS front to STS (moto speaks plain HTTP), for STS over https through a tunnel.
 */
import { createServer, request, type Server } from "node:http";
import { createServer as createTlsServer } from "node:https";
import { type AddressInfo, connect, type Socket } from "node:net";

async function listen(server: Server | import("node:https").Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

function close(server: Server | import("node:https").Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/** Forwards one buffered request to `target` (`http://host:port`) and pipes the answer back. */
function forward(
  target: string,
  path: string,
  incoming: import("node:http").IncomingMessage,
  body: Buffer,
  outgoing: import("node:http").ServerResponse,
): void {
  const forwarded = request(
    `${target}${path}`,
    { method: incoming.method, headers: incoming.headers, agent: false },
    (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    },
  );
  forwarded.on("error", () => outgoing.destroy());
  forwarded.end(body);
}

function buffered(incoming: import("node:http").IncomingMessage, then: (body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
  incoming.on("end", () => then(Buffer.concat(chunks)));
}

export interface ResettingFront {
  readonly url: string;
  /** Connections opened to the front so far. */
  readonly connections: () => number;
  /** Requests that arrived on a socket that had already carried one, and were reset unanswered. */
  readonly resets: () => number;
  /** The Action of each request answered (refused or forwarded), in order. */
  readonly answered: () => string[];
  close(): Promise<void>;
}

const UNAVAILABLE = `<ErrorResponse><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code><Message>try again</Message></Error></ErrorResponse>`;

/**
 * `refuseFirst`: the very first request is answered 503 ServiceUnavailable on a kept-alive socket, so
 * the client's retry comes, after its backoff, on that socket (as a refresh would after an idle hour).
 */
export async function startResettingFront(
  target: string,
  options: { refuseFirst?: boolean } = {},
): Promise<ResettingFront> {
  let connections = 0;
  let resets = 0;
  const answered: string[] = [];
  const served = new WeakMap<Socket, number>();
  const server = createServer({ keepAliveTimeout: 60_000 }, (incoming, outgoing) => {
    const socket = incoming.socket;
    const before = served.get(socket) ?? 0;
    served.set(socket, before + 1);
    if (before > 0) {
      resets++;
      // A TCP RST, as a NAT answers a packet of a connection it forgot.
      socket.resetAndDestroy();
      return;
    }
    buffered(incoming, (body) => {
      answered.push(new URLSearchParams(body.toString("utf8")).get("Action") ?? "");
      if (options.refuseFirst === true && answered.length === 1) {
        outgoing.writeHead(503, { "content-type": "text/xml" }).end(UNAVAILABLE);
        return;
      }
      forward(target, incoming.url ?? "/", incoming, body, outgoing);
    });
  });
  server.on("connection", () => connections++);
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    resets: () => resets,
    answered: () => [...answered],
    close: () => close(server),
  };
}

export interface TricklingSts {
  readonly url: string;
  /** Bytes of the answer sent so far, over every request; grows while a client stays connected. */
  readonly trickledBytes: () => number;
  /** Resolves with ms from a request's arrival to its connection's close by the client. */
  readonly nextClose: () => Promise<number>;
  close(): Promise<void>;
}

/** Answers every request 200 with its headers at once, then one byte of a body every `everyMs`. */
export async function startTricklingSts(everyMs: number): Promise<TricklingSts> {
  let bytes = 0;
  const closes: ((ms: number) => void)[] = [];
  const server = createServer((incoming, outgoing) => {
    incoming.resume();
    const arrived = Date.now();
    outgoing.writeHead(200, { "content-type": "text/xml" });
    outgoing.flushHeaders();
    const body = Buffer.from(
      `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">${" ".repeat(1 << 16)}`,
    );
    let at = 0;
    const timer = setInterval(() => {
      outgoing.write(body.subarray(at, at + 1));
      at = (at + 1) % body.length;
      bytes++;
    }, everyMs);
    outgoing.on("close", () => {
      clearInterval(timer);
      const ms = Date.now() - arrived;
      for (const resolve of closes.splice(0)) resolve(ms);
    });
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    trickledBytes: () => bytes,
    nextClose: () => new Promise((resolve) => closes.push(resolve)),
    close: () => close(server),
  };
}

export interface ConnectProxy {
  readonly url: string;
  /** `host:port` of every CONNECT tunnel opened. */
  readonly tunnels: () => string[];
  /** Absolute-form request targets forwarded (plain http through the proxy). */
  readonly requests: () => string[];
  close(): Promise<void>;
}

/** `hosts`: names only the proxy resolves (name → address), so a call that got through used it. */
export async function startConnectProxy(hosts: Readonly<Record<string, string>> = {}): Promise<ConnectProxy> {
  const resolve = (host: string) => hosts[host] ?? host;
  const tunnels: string[] = [];
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((incoming, outgoing) => {
    const target = incoming.url ?? "";
    if (!/^http:\/\//.test(target)) {
      outgoing.writeHead(400).end("absolute-form targets only");
      return;
    }
    requests.push(target);
    const url = new URL(target);
    const origin = `http://${resolve(url.hostname)}${url.port === "" ? "" : `:${url.port}`}`;
    buffered(incoming, (body) => forward(origin, `${url.pathname}${url.search}`, incoming, body, outgoing));
  });
  server.on("connect", (incoming, client: Socket, head: Buffer) => {
    const authority = incoming.url ?? "";
    tunnels.push(authority);
    const [host, port] = [authority.replace(/:\d+$/, ""), Number(authority.match(/:(\d+)$/)?.[1] ?? 443)];
    const upstream = connect(port, resolve(host.replace(/^\[|\]$/g, "")), () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    }
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels: () => [...tunnels],
    requests: () => [...requests],
    async close() {
      for (const socket of sockets) socket.destroy();
      await close(server);
    },
  };
}

export interface TlsFront {
  /** `https://<name>:<port>` for the name given. */
  urlFor(name: string): string;
  close(): Promise<void>;
}

/** Terminates TLS with `key`/`cert` and forwards every request to `target` (`http://host:port`). */
export async function startTlsFront(target: string, tls: { key: string; cert: string }): Promise<TlsFront> {
  const server = createTlsServer(tls, (incoming, outgoing) =>
    buffered(incoming, (body) => forward(target, incoming.url ?? "/", incoming, body, outgoing)),
  );
  const port = await listen(server);
  return { urlFor: (name) => `https://${name}:${port}`, close: () => close(server) };
}
