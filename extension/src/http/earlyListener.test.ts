import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type EarlyListener, listenEarly } from "./earlyListener.js";

let listener: EarlyListener | undefined;
afterEach(async () => {
  await listener?.close();
  listener = undefined;
});

function portOf(l: EarlyListener): number {
  const address = l.server.address();
  if (address === null || typeof address === "string") throw new Error("not listening");
  return address.port;
}

describe("listenEarly", () => {
  it("accepts connections at once and answers requests that came before the handler, in order", async () => {
    // Prepare
    listener = await listenEarly(0);
    const url = `http://127.0.0.1:${portOf(listener)}`;
    const seen: string[] = [];
    listener.factory((request, response) => {
      seen.push(request.url ?? "");
      response.end(request.url);
    });

    // Act: two requests arrive (counted by a second listener) while nothing handles them, then start
    let arrived = 0;
    const bothArrived = new Promise<void>((resolve) =>
      listener?.server.on("request", () => {
        arrived++;
        if (arrived === 2) resolve();
      }),
    );
    const first = fetch(`${url}/one`).then((r) => r.text());
    const second = fetch(`${url}/two`).then((r) => r.text());
    await bothArrived;
    expect(seen).toEqual([]);
    listener.start();

    // Assess
    expect(await Promise.all([first, second])).toEqual(["/one", "/two"]);
    expect(await (await fetch(`${url}/three`)).text()).toBe("/three");
  });

  it("refuses to start before fastify took the server", async () => {
    listener = await listenEarly(0);
    expect(() => listener?.start()).toThrow(/before fastify/);
  });

  it("answers malformed requests with {Code, Message} even before fastify is loaded", async () => {
    listener = await listenEarly(0);
    const port = portOf(listener);
    const reply = await new Promise<string>((resolve) => {
      const socket = connect(port, "127.0.0.1", () =>
        socket.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n"),
      );
      let text = "";
      socket.on("data", (chunk) => {
        text += chunk.toString();
      });
      socket.on("close", () => resolve(text));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    expect(reply).toMatch(/"Code":"[A-Za-z]+","Message":/);
  });

  it("fails like a port in use when it is", async () => {
    listener = await listenEarly(0);
    await expect(listenEarly(portOf(listener))).rejects.toMatchObject({ code: "EADDRINUSE" });
  });
});
