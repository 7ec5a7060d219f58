/**
 * One STS exchange against real sockets, both ways the direct client sends it: by hand
 * (plainStsExchange.ts) and through node:http's agents (agentStsExchange.ts, the way through a
 * proxy). Each must read status, Date and body; refuse an answer past 1 MiB; report a dropped
 * connection as StsUnreachable; keep a connection alive for the next call and open a new one once the
 * peer closed it; retry once, at once, a reused connection reset before any answer (and no other
 * reset); and end a trickling answer at the overall deadline. Then what only the hand-written way
 * must show: the framings it reads, when it does not reuse a connection, STS's certificate checked,
 * and its bound on connections.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import {
  type AddressInfo,
  createServer as createNetServer,
  type Server as NetServer,
  type Socket,
} from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSecureContext, createServer as createTlsServer } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ResettingFront, startResettingFront, startTricklingSts } from "../../test/support/stsPeers.js";
import { NO_OPENSSL, selfSignedCertificate } from "../../test/support/testCertificate.js";
import { sendOverHttp } from "./agentStsExchange.js";
import { STS_REQUEST_TIMEOUT_MS } from "./credentials.js";
import { sendPlain } from "./plainStsExchange.js";
import { classifyStsError } from "./stsErrors.js";
import { MAX_CONNECTIONS_PER_ENDPOINT, type SendStsRequest } from "./stsExchange.js";
import { isReusedSocketReset, retryOnceOnReusedSocketReset, stsAgent } from "./stsHttp.js";

const SENDERS: [string, SendStsRequest][] = [
  ["by hand", sendPlain],
  ["through node:http's agents", sendOverHttp],
];

interface EchoSts {
  readonly url: string;
  /** Connections accepted so far. */
  readonly connections: () => number;
  /** Resolves once the next connection accepted has closed. */
  readonly nextClose: () => Promise<void>;
  close(): Promise<void>;
}

/**
 * Answers `METHOD body`, Date set, keeping connections alive; `/flood` answers 2 MiB; `/close-idle`
 * closes the connection once the answer is out, as STS closes one that stays idle.
 */
async function startEchoSts(): Promise<EchoSts> {
  let connections = 0;
  const server = createServer({ keepAliveTimeout: 60_000 }, (request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      if (request.url === "/flood") return void response.end(Buffer.alloc(2 << 20, 0x41));
      if (request.url === "/close-idle")
        response.on("finish", () => setImmediate(() => request.socket.end()));
      response.writeHead(200, { date: "Tue, 01 Dec 2026 12:00:00 GMT" }).end(`${request.method} ${body}`);
    });
  });
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => connections,
    nextClose: () =>
      new Promise((resolve) => server.once("connection", (socket: Socket) => socket.once("close", resolve))),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe.each(SENDERS)("an exchange %s", (_way, send) => {
  const post = (front: { url: string }, path = "/") =>
    send(new URL(`${front.url}${path}`), {}, "Action=AssumeRole");

  let sts: EchoSts;
  beforeAll(async () => {
    sts = await startEchoSts();
  });
  afterAll(() => sts.close());

  it("posts the body and reads status, Date and body; refuses an answer past 1 MiB", async () => {
    // Act
    const answer = await send(new URL(`${sts.url}/`), { "content-type": "text/plain" }, "hello");
    const flood = await send(new URL(`${sts.url}/flood`), {}, "").catch((error: unknown) => error);

    // Assess
    expect(answer).toEqual({
      status: 200,
      date: "Tue, 01 Dec 2026 12:00:00 GMT",
      age: undefined,
      body: "POST hello",
    });
    expect(classifyStsError(flood)).toMatchObject({ kind: "retryable", code: "StsError" });
    expect(String(flood)).toContain("larger than 1048576 bytes");
  });

  it("a connection STS drops is StsUnreachable", async () => {
    const server = createServer();
    server.on("connection", (socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const dropped = await send(new URL(`http://127.0.0.1:${port}/`), {}, "").catch(
        (error: unknown) => error,
      );
      expect(classifyStsError(dropped)).toMatchObject({ kind: "retryable", code: "StsUnreachable" });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("keeps the connection for the next call, and opens a new one once STS closed it while idle", async () => {
    // Prepare: a call that leaves a connection STS closes once idle (an STS of its own: no
    // connection of another test in the pool)
    const own = await startEchoSts();
    try {
      const closed = own.nextClose();
      expect((await post(own, "/close-idle")).status).toBe(200);
      await closed;

      // Act: three calls in turn
      const answers = [];
      for (let call = 0; call < 3; call++) answers.push((await post(own)).status);

      // Assess: the closed connection was not reused (no failure), and the three calls shared one
      expect(answers).toEqual([200, 200, 200]);
      expect(own.connections()).toBe(2);
    } finally {
      await own.close();
    }
  });

  describe("a reused socket reset before any answer", () => {
    let front: ResettingFront;
    beforeAll(async () => {
      front = await startResettingFront(sts.url);
    });
    afterAll(() => front.close());

    it("control: the second call on the kept-alive socket is reset, and fails without the retry", async () => {
      // Prepare: one call leaves a socket in the pool
      expect((await post(front)).status).toBe(200);
      const connections = front.connections();

      // Act
      const error = await post(front).catch((e: unknown) => e);

      // Assess
      expect(front.connections()).toBe(connections);
      expect(front.resets()).toBe(1);
      expect((error as NodeJS.ErrnoException).code).toBe("ECONNRESET");
      expect(isReusedSocketReset(error)).toBe(true);
    });

    it("is retried once, at once, on a fresh connection", async () => {
      // Prepare
      expect((await post(front)).status).toBe(200);
      const connections = front.connections();
      const resets = front.resets();

      // Act
      const answer = await retryOnceOnReusedSocketReset(() => post(front));

      // Assess
      expect(answer).toMatchObject({ status: 200 });
      expect(front.resets()).toBe(resets + 1);
      expect(front.connections()).toBe(connections + 1);
    });
  });

  it("a reset that is not of a reused socket is not retried: a fresh connection reset before an answer fails as it is", async () => {
    // Prepare: a peer that resets every connection's first request
    const sockets: Socket[] = [];
    const resetting = createServer((request) => request.socket.resetAndDestroy());
    resetting.on("connection", (socket) => sockets.push(socket));
    await new Promise<void>((resolve) => resetting.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(resetting.address() as AddressInfo).port}`;
    let attempts = 0;
    try {
      // Act
      const error = await retryOnceOnReusedSocketReset(() => {
        attempts++;
        return post({ url });
      }).catch((e: unknown) => e);

      // Assess
      expect((error as NodeJS.ErrnoException).code).toBe("ECONNRESET");
      expect(isReusedSocketReset(error)).toBe(false);
      expect(attempts).toBe(1);
      expect(sockets).toHaveLength(1);
    } finally {
      await new Promise<void>((resolve) => resetting.close(() => resolve()));
    }
  });

  it(
    "an answer trickled a byte at a time ends at the overall deadline, although bytes keep coming faster than any idle timeout",
    async () => {
      // Prepare: a byte every 200 ms, far more often than the 2 s / 5 s timeouts would notice
      const trickling = await startTricklingSts(200);
      try {
        const closed = trickling.nextClose();

        // Act
        const started = performance.now();
        const error = await post(trickling).catch((e: unknown) => e);
        const elapsedMs = performance.now() - started;
        const closedAfterMs = await closed;

        // Assess: the call ended by its deadline, while the peer was still sending
        expect(error).toMatchObject({ name: "TimeoutError" });
        expect((error as Error).message).toContain(`within ${STS_REQUEST_TIMEOUT_MS} ms`);
        // Timed by the caller, whose deadline it is (the peer sees the request arrive later); a timer
        // may fire a millisecond early by rounding.
        expect(elapsedMs).toBeGreaterThanOrEqual(STS_REQUEST_TIMEOUT_MS - 2);
        expect(closedAfterMs).toBeLessThan(STS_REQUEST_TIMEOUT_MS + 3000);
        expect(trickling.trickledBytes()).toBeGreaterThan(10);
      } finally {
        await trickling.close();
      }
    },
    STS_REQUEST_TIMEOUT_MS + 10_000,
  );
});

/** Answers every request on every connection with `reply`, in three pieces; `end`: then closes. */
async function scriptedSts(reply: string, options: { end?: boolean } = {}) {
  let connections = 0;
  let requests = 0;
  const sockets = new Set<Socket>();
  const server: NetServer = createNetServer((socket) => {
    connections++;
    sockets.add(socket);
    let pending = "";
    socket.on("data", async (chunk) => {
      pending += chunk.toString("latin1");
      const headEnd = pending.indexOf("\r\n\r\n");
      const length = Number(/\r\ncontent-length: (\d+)/i.exec(pending)?.[1] ?? 0);
      if (headEnd < 0 || pending.length < headEnd + 4 + length) return;
      pending = pending.slice(headEnd + 4 + length);
      requests++;
      const bytes = Buffer.from(reply, "latin1");
      const third = Math.ceil(bytes.length / 3);
      for (let at = 0; at < bytes.length; at += third) {
        socket.write(bytes.subarray(at, at + third));
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (options.end === true) socket.end();
    });
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => connections,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe("an exchange by hand", () => {
  const OK = "HTTP/1.1 200 OK\r\n";
  it.each([
    ["framed by Content-Length", `${OK}Content-Length: 2\r\n\r\nok`, {}, true],
    ["chunked", `${OK}Transfer-Encoding: chunked\r\n\r\n1\r\no\r\n1;x=y\r\nk\r\n0\r\n\r\n`, {}, true],
    [
      "chunked, with a trailer",
      `${OK}Transfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nX-T: 1\r\n\r\n`,
      {},
      true,
    ],
    ["with Connection: close", `${OK}Connection: close\r\nContent-Length: 2\r\n\r\nok`, {}, false],
    ["in HTTP/1.0", "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", {}, false],
    ["with bytes after it", `${OK}Content-Length: 2\r\n\r\nokHTTP/1.1 200 OK`, {}, false],
    [
      "framed by the connection's end",
      `${OK}Date: Tue, 01 Dec 2026 12:00:00 GMT\r\n\r\nok`,
      { end: true },
      false,
    ],
  ])(
    "reads an answer %s, and reuses its connection only where HTTP/1.1 allows it",
    async (_case, reply, options, reused) => {
      // Prepare
      const peer = await scriptedSts(reply, options);
      try {
        // Act: two calls in turn
        const first = await sendPlain(new URL(`${peer.url}/`), {}, "Action=AssumeRole");
        const second = await sendPlain(new URL(`${peer.url}/`), {}, "Action=AssumeRole");

        // Assess
        expect([first.status, first.body, second.body]).toEqual([200, "ok", "ok"]);
        expect(peer.requests()).toBe(2);
        expect(peer.connections()).toBe(reused ? 1 : 2);
      } finally {
        await peer.close();
      }
    },
  );

  it("connects to a name's address; by name where it has none or it does not answer, and from then on", async () => {
    // Prepare: three STS peers on 127.0.0.1 alone, each reached as "localhost" with its own lookup:
    // an address that answers; none (an IPv6-only name); one where nothing listens (127.0.0.2), as an
    // IPv4 address is unreachable in an IPv6-only network
    const OK_CLOSE = `${OK}Connection: close\r\nContent-Length: 2\r\n\r\nok`;
    const peers = await Promise.all([scriptedSts(OK_CLOSE), scriptedSts(OK_CLOSE), scriptedSts(OK_CLOSE)]);
    const [answering, nameOnly, unanswering] = peers;
    const looked: string[] = [];
    const lookup = (kind: string, address: string | undefined) => async (host: string) => {
      looked.push(`${kind} ${host}`);
      return address;
    };
    const twice = async (
      peer: (typeof peers)[number],
      lookupAddress: (host: string) => Promise<string | undefined>,
    ) => {
      const url = new URL(`http://localhost:${new URL(peer.url).port}/`);
      const answers = [];
      for (const _ of [1, 2]) answers.push(await sendPlain(url, {}, "Action=AssumeRole", lookupAddress));
      return answers.map((answer) => answer.body);
    };
    try {
      // Act: two calls to each, each call on a connection of its own
      const bodies = [
        await twice(answering, lookup("answering", "127.0.0.1")),
        await twice(nameOnly, lookup("none", undefined)),
        await twice(unanswering, lookup("unanswering", "127.0.0.2")),
      ];

      // Assess: every call answered; looked up at every call where the address answers, else once
      expect(bodies.flat()).toEqual(Array(6).fill("ok"));
      expect(looked).toEqual([
        "answering localhost",
        "answering localhost",
        "none localhost",
        "unanswering localhost",
      ]);
      expect(peers.map((peer) => peer.connections())).toEqual([2, 2, 2]);
    } finally {
      await Promise.all(peers.map((peer) => peer.close()));
    }
  });

  it("an answer that is not HTTP is a StsError, retried by the backoff", async () => {
    const peer = await scriptedSts("SSH-2.0-OpenSSH_9.2\r\n\r\n");
    try {
      const error = await sendPlain(new URL(`${peer.url}/`), {}, "").catch((e: unknown) => e);
      expect(classifyStsError(error)).toMatchObject({ kind: "retryable", code: "StsError" });
      expect(String(error)).toContain(
        "STS's answer is not HTTP/1.1 as expected: not an HTTP/1.1 status line",
      );
    } finally {
      await peer.close();
    }
  });

  it("refuses a header that could carry another, before connecting", async () => {
    const peer = await scriptedSts(`${OK}Content-Length: 2\r\n\r\nok`);
    try {
      const error = await sendPlain(
        new URL(`${peer.url}/`),
        { "x-amz-security-token": "t\r\nx-injected: 1" },
        "",
      ).catch((e: unknown) => e);
      expect(String(error)).toContain('the "x-amz-security-token" header cannot be sent as it is');
      expect(String(error)).not.toContain("x-injected");
      expect(peer.connections()).toBe(0);
    } finally {
      await peer.close();
    }
  });

  it(`opens at most ${MAX_CONNECTIONS_PER_ENDPOINT} connections at once to an endpoint; the other calls wait for one`, async () => {
    // Prepare: an STS that holds every answer until told
    const held: (() => void)[] = [];
    let holding = true;
    let arrived = 0;
    let capReached: () => void = () => undefined;
    const reachedCap = new Promise<void>((resolve) => {
      capReached = resolve;
    });
    const server = createServer((request, response) => {
      request.resume();
      if (holding) held.push(() => response.end("<ok/>"));
      else response.end("<ok/>");
      if (++arrived === MAX_CONNECTIONS_PER_ENDPOINT) capReached();
    });
    let peak = 0;
    let open = 0;
    server.on("connection", (socket) => {
      peak = Math.max(peak, ++open);
      socket.on("close", () => open--);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    try {
      // Act: ten calls more than the bound
      const calls = Array.from({ length: MAX_CONNECTIONS_PER_ENDPOINT + 10 }, () => sendPlain(url, {}, ""));
      await reachedCap;
      // No event marks "nothing more comes": a while for calls the bound failed to hold to arrive.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const arrivedWhileHeld = arrived;
      holding = false;
      for (const release of held.splice(0)) release();
      const answers = await Promise.all(calls);

      // Assess
      expect(arrivedWhileHeld).toBe(MAX_CONNECTIONS_PER_ENDPOINT);
      expect(answers.map((answer) => answer.body)).toEqual(
        Array(MAX_CONNECTIONS_PER_ENDPOINT + 10).fill("<ok/>"),
      );
      expect(peak).toBe(MAX_CONNECTIONS_PER_ENDPOINT);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("checks STS's certificate: one no trusted CA issued is refused before anything is sent, the host named (SNI)", async (ctx) => {
    // Prepare: a TLS STS with a self-signed certificate for localhost
    const work = mkdtempSync(join(tmpdir(), "plain-sts-tls-"));
    const certificate = selfSignedCertificate(work, ["localhost"]);
    if (certificate === undefined) {
      rmSync(work, { recursive: true, force: true });
      return ctx.skip(NO_OPENSSL);
    }
    let received = 0;
    const serverNames: string[] = [];
    const tlsOptions = { key: certificate.key, cert: certificate.cert };
    const context = createSecureContext(tlsOptions);
    const server = createTlsServer(
      {
        ...tlsOptions,
        SNICallback: (name, answer) => {
          serverNames.push(name);
          answer(null, context);
        },
      },
      (socket) => {
        socket.on("data", () => received++);
        socket.on("error", () => undefined);
      },
    );
    server.on("tlsClientError", () => undefined);
    let tcpConnections = 0;
    server.on("connection", () => tcpConnections++);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      // Act
      const error = await sendPlain(new URL(`https://localhost:${port}/`), {}, "Action=AssumeRole").catch(
        (e: unknown) => e,
      );

      // Assess
      expect((error as NodeJS.ErrnoException).code).toBe("DEPTH_ZERO_SELF_SIGNED_CERT");
      expect(received).toBe(0);
      // Connected to localhost's address, it still named the host in its hello (SNI), as node does.
      expect(serverNames).toEqual(["localhost"]);
      // A connection that was made is not tried again by name: the certificate would be the same.
      expect(tcpConnections).toBe(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      rmSync(work, { recursive: true, force: true });
    }
  });
});

describe("proxy variables", () => {
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  // node's proxyEnv came in 24.5 (the layer's node is 24.21; layer/test/stsConnections.test.ts uses it).
  const supported = major > 24 || (major === 24 && minor >= 5);

  it.runIf(!supported)(
    `on node ${process.version}, without proxy support, are refused as a misconfiguration, never bypassed`,
    async () => {
      // Act
      const error = await stsAgent("https:", { HTTPS_PROXY: "http://127.0.0.1:3128" }).catch(
        (e: unknown) => e,
      );

      // Assess
      expect(classifyStsError(error)).toMatchObject({
        kind: "permanent",
        cause: "misconfigured",
        code: "ProxyUnsupported",
        message: expect.stringContaining(
          `HTTPS_PROXY) is set, but node ${process.version} has no proxy support`,
        ),
      });
    },
  );

  it.runIf(supported)(`on node ${process.version}, with proxy support, make a proxied agent`, async () => {
    await expect(stsAgent("https:", { HTTPS_PROXY: "http://127.0.0.1:3128" })).resolves.toBeDefined();
  });
});
