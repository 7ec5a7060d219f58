import { createServer as createHttpServer, type RequestListener } from "node:http";
import { type AddressInfo, createServer as createNetServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { refusingPort } from "../../test/support/refusingPort.js";
import { exchange, MAX_RESPONSE_BYTES, type PlainRequest, parseAddress, parseResponse } from "./plainHttp.js";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          (server as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
          server.close(() => resolve());
        }),
    ),
  );
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A node:http server, as the mock Runtime API is. */
const httpServer = (handler: RequestListener) => listen(createHttpServer(handler));

/** A server that answers every request with exactly `reply`, written in `pieces`. */
function rawServer(reply: string | Buffer, options: { pieces?: number; close?: boolean } = {}) {
  return listen(
    createNetServer((socket: Socket) => {
      socket.once("data", async () => {
        const bytes = Buffer.from(reply);
        const pieces = options.pieces ?? 1;
        const size = Math.ceil(bytes.length / pieces);
        for (let at = 0; at < bytes.length; at += size) {
          socket.write(bytes.subarray(at, at + size));
          await new Promise((resolve) => setImmediate(resolve));
        }
        if (options.close ?? false) socket.end();
      });
      socket.on("error", () => undefined);
    }),
  );
}

const EVENT_NEXT: PlainRequest = { method: "GET", path: "/2020-01-01/extension/event/next", headers: {} };

// Every request goes through node:net but `register` (the one with onWritten), which is connected and
// written through Node's bindings and read through node:net (rawConnect.ts): both ways, the same.
const WAYS: [string, Partial<PlainRequest>][] = [
  ["node:net", {}],
  ["Node's bindings, then node:net (register)", { onWritten: () => undefined }],
];

describe.each(WAYS)("exchange through %s", (_way, extra) => {
  const GET: PlainRequest = { ...EVENT_NEXT, ...extra };

  it("sends method, path, headers and body, and reads status, headers and body", async () => {
    const seen: { method?: string; url?: string; headers?: Record<string, unknown>; body?: string } = {};
    const address = await httpServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => {
        body += chunk;
      });
      request.on("end", () => {
        Object.assign(seen, { method: request.method, url: request.url, headers: request.headers, body });
        response.writeHead(200, { "lambda-extension-identifier": "ext-1", "x-twice": ["a", "b"] });
        response.end(JSON.stringify({ functionName: "f" }));
      });
    });

    let written = 0;
    const response = await exchange(address, {
      method: "POST",
      path: "/2020-01-01/extension/register",
      headers: { "Lambda-Extension-Name": "credentials-sidecar" },
      body: '{"events":["INVOKE","SHUTDOWN"]}',
      ...(extra.onWritten !== undefined ? { onWritten: () => written++ } : {}),
    });
    if (extra.onWritten !== undefined) expect(written).toBe(1);

    expect(seen).toMatchObject({
      method: "POST",
      url: "/2020-01-01/extension/register",
      body: '{"events":["INVOKE","SHUTDOWN"]}',
      headers: { "lambda-extension-name": "credentials-sidecar", host: address, "content-length": "32" },
    });
    expect(response).toEqual({
      status: 200,
      headers: expect.objectContaining({ "lambda-extension-identifier": "ext-1", "x-twice": "a, b" }),
      body: '{"functionName":"f"}',
    });
  });

  it("sends a body beyond latin1 as UTF-8, with its length in bytes", async () => {
    let received = "";
    const address = await httpServer((request, response) => {
      request.setEncoding("utf8");
      request.on("data", (chunk) => {
        received += chunk;
      });
      request.on("end", () => response.end("ok"));
    });
    const body = '{"message":"über ✓ 🚀"}';
    await exchange(address, { ...GET, method: "POST", body });
    expect(received).toBe(body);
  });

  it("waits for an answer that takes its time: a long poll is not cut short", async () => {
    const address = await httpServer((_request, response) => {
      setTimeout(() => response.end('{"eventType":"SHUTDOWN"}'), 150);
    });
    expect((await exchange(address, GET)).body).toBe('{"eventType":"SHUTDOWN"}');
  });

  it("decodes a chunked body written in several parts", async () => {
    const address = await httpServer((_request, response) => {
      response.write('{"a":');
      setTimeout(() => response.end("1}"), 10);
    });
    const response = await exchange(address, GET);
    expect(response.headers["transfer-encoding"]).toBe("chunked");
    expect(response.body).toBe('{"a":1}');
  });

  it("reassembles an answer that arrives a few bytes at a time", async () => {
    const address = await rawServer(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nabcd\r\n2\r\nef\r\n0\r\nX-Trailer: t\r\n\r\n",
      { pieces: 40 },
    );
    expect((await exchange(address, GET)).body).toBe("abcdef");
  });

  it("reads a body framed by the end of the connection", async () => {
    const address = await rawServer("HTTP/1.0 202 Accepted\r\n\r\nstatus: ok", { close: true });
    expect(await exchange(address, GET)).toMatchObject({ status: 202, body: "status: ok" });
  });

  it("keeps multi-byte characters split across packets", async () => {
    const body = Buffer.from("ünïcødé ✓");
    const address = await rawServer(
      Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`), body]),
      { pieces: 30 },
    );
    expect((await exchange(address, GET)).body).toBe("ünïcødé ✓");
  });

  it.each([
    ["a status line that is not HTTP", "SSH-2.0-OpenSSH\r\n\r\n", /not an HTTP\/1\.1 status line/],
    ["a header line without a colon", "HTTP/1.1 200 OK\r\nbroken\r\n\r\n", /not a response header/],
    [
      "a Content-Length that is not a number",
      "HTTP/1.1 200 OK\r\nContent-Length: 1e3\r\n\r\n",
      /Content-Length/,
    ],
    [
      "a chunk size that is not hex",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      /chunk size/,
    ],
    [
      "a chunk longer than its size",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n",
      /does not end where its size says/,
    ],
  ])("rejects %s", async (_what, reply, message) => {
    const address = await rawServer(reply);
    await expect(exchange(address, GET)).rejects.toThrow(message);
  });

  it("rejects an answer cut off before its declared length", async () => {
    const address = await rawServer("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", { close: true });
    await expect(exchange(address, GET)).rejects.toThrow(/closed before a complete answer/);
  });

  it("rejects an answer larger than the bound, without reading on", async () => {
    const address = await httpServer((_request, response) => {
      response.end("x".repeat(MAX_RESPONSE_BYTES + 1));
    });
    await expect(exchange(address, GET)).rejects.toThrow(/more than 1048576 bytes/);
  });

  it("gives up after the timeout when asked to", async () => {
    const address = await httpServer(() => undefined);
    await expect(exchange(address, { ...GET, timeoutMs: 100 })).rejects.toThrow(/timed out after 100 ms/);
  });

  it("reports a refused connection as the socket error", async () => {
    const held = refusingPort();
    try {
      await expect(exchange(`127.0.0.1:${held.port}`, GET)).rejects.toMatchObject({ code: "ECONNREFUSED" });
    } finally {
      held.release();
    }
  });

  it.each([
    ["a line break in a header value", { "X-Id": "a\r\nInjected: yes" }],
    ["a header name with a space", { "X Id": "a" }],
  ])("refuses to send %s", async (_what, headers) => {
    await expect(exchange("127.0.0.1:1", { ...GET, headers })).rejects.toThrow(/cannot be sent as it is/);
  });

  it("refuses a path with spaces or line breaks", async () => {
    await expect(exchange("127.0.0.1:1", { ...GET, path: "/a b" })).rejects.toThrow(/not a request path/);
  });
});

describe("parseAddress", () => {
  it.each([
    ["127.0.0.1:9001", { host: "127.0.0.1", port: 9001 }],
    ["localhost:9001", { host: "localhost", port: 9001 }],
    ["[::1]:9001", { host: "::1", port: 9001 }],
  ])("reads %s", (address, expected) => {
    expect(parseAddress(address)).toEqual(expected);
  });

  it.each(["127.0.0.1", "127.0.0.1:0", "127.0.0.1:70000", "::1:9001", "http://127.0.0.1:9001", ""])(
    "refuses %j",
    (address) => {
      expect(() => parseAddress(address)).toThrow(/is not host:port/);
    },
  );
});

describe("parseResponse", () => {
  it("waits for the end of the headers, then for the body", () => {
    expect(parseResponse(Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"), false)).toBeUndefined();
    expect(
      parseResponse(Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\na"), false),
    ).toBeUndefined();
    expect(parseResponse(Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nab"), false)?.body).toBe(
      "ab",
    );
  });

  it("refuses headers that never end", () => {
    expect(() => parseResponse(Buffer.alloc(65 * 1024, "a"), false)).toThrow(/larger than 64 KB/);
  });
});
