/**
 * The bundled extension with slow and idle clients over real sockets: a slowloris dribbling its
 * request byte by byte holds up no one and is served itself; 500 idle connections do not stop a
 * normal request.
 */
import { connect, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { hostileSidecarPerFile } from "../support/hostileSidecar.js";
import { parseResponse } from "../support/rawHttp.js";

const hostile = hostileSidecarPerFile();

describe("slow and idle clients", () => {
  it("a slowloris sending headers byte by byte does not hold up anyone else, and is served itself", async () => {
    // Prepare: a request dribbled one byte at a time
    const slow: Socket = connect({ host: "127.0.0.1", port: hostile.sidecar.port });
    await new Promise((resolve) => slow.once("connect", resolve));
    let answer = "";
    slow.on("data", (chunk: Buffer) => {
      answer += chunk.toString("latin1");
    });
    const closed = new Promise((resolve) => slow.once("close", resolve));
    const bytes = hostile.getRequest("/roles/reader", hostile.token);

    // Act: after each byte, another client asks and must be answered in full before the next byte
    // (so the interleaving is fixed by events, whatever the machine's load)
    const durations: number[] = [];
    for (const byte of bytes) {
      slow.write(Buffer.from([byte]));
      const started = Date.now();
      const response = await fetch(`http://127.0.0.1:${hostile.sidecar.port}/roles/other`, {
        headers: { authorization: hostile.token },
      });
      expect(response.status).toBe(200);
      await response.arrayBuffer();
      durations.push(Date.now() - started);
    }
    await closed;

    // Assess
    expect(durations.length).toBeGreaterThan(10);
    expect(Math.max(...durations)).toBeLessThan(500);
    expect(parseResponse(answer).status).toBe(200);
  });

  it("500 idle connections do not stop a normal request", async () => {
    // Prepare
    const idle: Socket[] = [];
    try {
      await Promise.all(
        Array.from(
          { length: 500 },
          () =>
            new Promise<void>((resolve, reject) => {
              const socket = connect({ host: "127.0.0.1", port: hostile.sidecar.port });
              idle.push(socket);
              socket.once("connect", () => resolve());
              socket.once("error", reject);
            }),
        ),
      );

      // Act
      const started = Date.now();
      const response = await fetch(`http://127.0.0.1:${hostile.sidecar.port}/roles/reader`, {
        headers: { authorization: hostile.token },
      });

      // Assess
      expect(response.status).toBe(200);
      expect(((await response.json()) as Record<string, string>).Code).toBe("Success");
      expect(Date.now() - started).toBeLessThan(1000);
      expect(idle.filter((socket) => socket.destroyed)).toEqual([]);
    } finally {
      for (const socket of idle) socket.destroy();
    }
  });
});
