import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ExtensionsApi } from "./extensionsApi.js";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
  );
});

/** A Runtime API whose register answers `status`, `headers` and `body`; other calls get 202. */
async function runtimeApi(status: number, headers: Record<string, string>, body: string): Promise<string> {
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      if (request.url?.endsWith("/extension/register")) response.writeHead(status, headers).end(body);
      else response.writeHead(202).end();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const IDENTIFIED = { "Lambda-Extension-Identifier": "3c1e2b5a-0f7d-4e2b-9a6c-1d2e3f4a5b6c" };

describe("ExtensionsApi.register", () => {
  it("returns the function's name and the events, and nothing else of the reply", async () => {
    const body = JSON.stringify({
      functionName: "orders",
      functionVersion: "7",
      handler: "x",
      accountId: "1",
    });
    const api = new ExtensionsApi(await runtimeApi(200, IDENTIFIED, body));

    expect(await api.register()).toEqual({ functionName: "orders", events: ["INVOKE", "SHUTDOWN"] });
    expect(api.registered).toBe(true);
  });

  it("sendRegister sends at once and leaves the answer unread until register() asks for it", async () => {
    let answered: () => void = () => {};
    const answerSent = new Promise<void>((resolve) => {
      answered = resolve;
    });
    const server = createServer((request, response) => {
      request.resume();
      request.on("end", () => response.writeHead(200, IDENTIFIED).end('{"functionName":"orders"}', answered));
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const api = new ExtensionsApi(`127.0.0.1:${(server.address() as AddressInfo).port}`);

    api.sendRegister();
    await api.registerSent;
    await answerSent;
    // The answer is in this process's socket now; read at once, it would have set the identifier
    // within these turns of the event loop.
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(api.registered).toBe(false);

    expect(await api.register()).toEqual({ functionName: "orders", events: ["INVOKE", "SHUTDOWN"] });
    expect(api.registered).toBe(true);
  });

  it("sendRegister: a refused register is reported by register(), not as an unhandled rejection", async () => {
    const api = new ExtensionsApi(await runtimeApi(500, {}, '{"errorType":"Boom"}'));

    api.sendRegister();
    await expect(api.register()).rejects.toThrow(/^register answered 500/);
  });

  it.each([
    ["not JSON", "<html>"],
    ["JSON but no object", "[1,2]"],
    ["an object without functionName", "{}"],
    ["a functionName that is no string", '{"functionName": 42}'],
    ["empty", ""],
  ])(
    "registers without a function name when the body is %s (it only labels a log line)",
    async (_title, body) => {
      const api = new ExtensionsApi(await runtimeApi(200, IDENTIFIED, body));

      expect(await api.register()).toEqual({ events: ["INVOKE", "SHUTDOWN"] });
    },
  );

  it.each([
    ["missing", {}],
    ["empty", { "Lambda-Extension-Identifier": "" }],
    ["with a space", { "Lambda-Extension-Identifier": "a b" }],
    ["longer than 256 characters", { "Lambda-Extension-Identifier": "a".repeat(257) }],
  ])("fails clearly when the identifier header is %s", async (_title, headers) => {
    const api = new ExtensionsApi(await runtimeApi(200, headers, '{"functionName":"orders"}'));

    await expect(api.register()).rejects.toThrow(
      "register answered without a usable Lambda-Extension-Identifier header",
    );
    expect(api.registered).toBe(false);
  });

  it("fails with the status and the start of the body when register is refused", async () => {
    const api = new ExtensionsApi(
      await runtimeApi(500, IDENTIFIED, `{"errorType":"Boom","pad":"${"x".repeat(300)}"}`),
    );

    const error = await api.register().catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^register answered 500: \{"errorType":"Boom"/);
    expect((error as Error).message.length).toBeLessThanOrEqual("register answered 500: ".length + 200);
  });
});
