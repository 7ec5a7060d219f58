/**
 * The STS clients' connections against real sockets: a reused socket reset before any answer is
 * noticed and retried once at once on a fresh connection; other resets are not; a trickling answer
 * meets the overall deadline (directStsAssumer's sendOverHttp on stsHttp.ts's agents).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ResettingFront, startResettingFront, startTricklingSts } from "../../test/support/stsPeers.js";
import { STS_REQUEST_TIMEOUT_MS } from "./credentials.js";
import { sendOverHttp } from "./directStsAssumer.js";
import { classifyStsError } from "./stsErrors.js";
import { isReusedSocketReset, retryOnceOnReusedSocketReset, stsAgent } from "./stsHttp.js";

let sts: Server;
let stsUrl: string;

beforeAll(async () => {
  sts = createServer((request, response) => {
    request.resume();
    request.on("end", () => response.end("<ok/>"));
  });
  await new Promise<void>((resolve) => sts.listen(0, "127.0.0.1", resolve));
  stsUrl = `http://127.0.0.1:${(sts.address() as AddressInfo).port}`;
});

afterAll(() => {
  sts.closeAllConnections();
  return new Promise<void>((resolve) => sts.close(() => resolve()));
});

const post = (front: { url: string }) => sendOverHttp(new URL(`${front.url}/`), {}, "Action=AssumeRole");

describe("a reused socket reset before any answer", () => {
  let front: ResettingFront;
  beforeAll(async () => {
    front = await startResettingFront(stsUrl);
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
    expect(answer).toMatchObject({ status: 200, body: "<ok/>" });
    expect(front.resets()).toBe(resets + 1);
    expect(front.connections()).toBe(connections + 1);
  });
});

describe("a reset that is not of a reused socket", () => {
  it("is not retried: a fresh connection reset before an answer fails as it is", async () => {
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
});

describe("an answer trickled a byte at a time", () => {
  it(
    "ends at the overall deadline, although bytes keep coming faster than any idle timeout",
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
