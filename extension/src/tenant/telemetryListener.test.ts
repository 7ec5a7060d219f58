/**
 * The Telemetry API listener: batches posted to its secret path reach the handler; anything else (a
 * forged platform.start on a guessed path, another method, an oversized body) is refused unread.
 */
import { afterEach, describe, expect, it } from "vitest";
import { listenForTelemetry, type TelemetryListener } from "./telemetryListener.js";

let listener: TelemetryListener | undefined;
afterEach(async () => {
  await listener?.close();
  listener = undefined;
});

const FORGED = JSON.stringify([{ time: "t", type: "platform.start", record: { tenantId: "evil" } }]);

describe("listenForTelemetry", () => {
  it("hands the body of a POST to its own URI to the handler", async () => {
    const batches: string[] = [];
    listener = await listenForTelemetry((body) => batches.push(body));
    const response = await fetch(listener.uri.replace("//sandbox.localdomain:", "//127.0.0.1:"), {
      method: "POST",
      body: FORGED,
    });
    expect(response.status).toBe(200);
    expect(batches).toEqual([FORGED]);
  });

  it("refuses other paths (generated variants of a guess), other methods and oversized bodies", async () => {
    const batches: string[] = [];
    listener = await listenForTelemetry((body) => batches.push(body));
    const uri = new URL(listener.uri.replace("//sandbox.localdomain:", "//127.0.0.1:"));
    const secret = uri.pathname;
    expect(secret).toMatch(/^\/telemetry\/[0-9a-f]{32}$/);
    const guesses = [
      "/",
      "/telemetry",
      "/telemetry/",
      `${secret.slice(0, -1)}0`,
      `${secret}/`,
      `${secret}?x=1`,
      secret.toUpperCase(),
    ].filter((path) => path !== secret);
    for (const path of guesses) {
      const response = await fetch(new URL(path, uri), { method: "POST", body: FORGED });
      expect(response.status, path).toBe(404);
    }
    expect((await fetch(uri, { method: "PUT", body: FORGED })).status).toBe(404);
    const huge = await fetch(uri, { method: "POST", body: "x".repeat(1024 * 1024 + 1) }).catch(
      () => undefined,
    );
    expect(huge?.status ?? 413).toBe(413);
    expect(batches).toEqual([]);
  });
});
