/**
 * Every path but /roles/:name (/health, 404s, nothing echoed back), and every refusal as
 * {Code, Message} JSON without secrets.
 */
import type { InjectOptions } from "fastify";
import { describe, expect, it } from "vitest";
import { expectErrorBody, SECRETS, serverPerTest, TOKEN } from "../../test/support/serverHarness.js";

const server = serverPerTest();

describe("other paths", () => {
  const ROLE_NAMES = ["reader", "throttled", "denied", "malformed", "broken"];

  it("answers /health with the token: each role's state, and no credential material", async () => {
    const response = await server.app.inject({
      method: "GET",
      url: "/health",
      headers: { host: "127.0.0.1:9770", authorization: TOKEN },
    });

    expect(response.statusCode).toBe(200);
    expect(response.headers["cache-control"]).toBe("no-store");
    expect(JSON.parse(response.body)).toEqual({
      status: "ok",
      roles: {
        reader: "ready",
        throttled: "failed",
        denied: "failed",
        malformed: "failed",
        broken: "pending",
      },
    });
    for (const secret of [TOKEN, ...Object.values(SECRETS)]) expect(response.body).not.toContain(secret);
    expect(server.roles.waits).toEqual([]);
  });

  // Near misses of the token as well as plain wrong ones: none of them may see a role name.
  const notTheToken: [string, Record<string, string>][] = [
    ["no Authorization header", {}],
    ["an empty one", { authorization: "" }],
    ["a wrong token", { authorization: "wrong" }],
    ["the token cut short", { authorization: TOKEN.slice(0, -1) }],
    ["the token and one more character", { authorization: `${TOKEN}x` }],
    ["the token in upper case", { authorization: TOKEN.toUpperCase() }],
    ["Bearer and the token", { authorization: `Bearer ${TOKEN}` }],
  ];
  it.each(notTheToken)("answers /health to %s with the overall status only", async (_case, headers) => {
    const response = await server.app.inject({
      method: "GET",
      url: "/health",
      headers: { host: "127.0.0.1:9770", ...headers },
    });

    expect(response.statusCode).toBe(200);
    expect(response.headers["cache-control"]).toBe("no-store");
    expect(JSON.parse(response.body)).toEqual({ status: "ok" });
    for (const name of ROLE_NAMES) expect(response.body).not.toContain(name);
    expect(server.roles.waits).toEqual([]);
  });

  it("refuses /health from a foreign Host too", async () => {
    const response = await server.app.inject({
      method: "GET",
      url: "/health",
      headers: { host: "evil.example" },
    });

    expect(response.statusCode).toBe(403);
    expectErrorBody(response, "HostRefused");
  });

  it.each([
    "/",
    "/roles",
    "/roles/",
    "/latest/meta-data/iam/security-credentials/reader",
    "/roles/reader/extra",
  ])("answers 404 JSON for %s", async (url) => {
    const response = await server.get(url);

    expect(response.statusCode).toBe(404);
    expectErrorBody(response, url === "/roles/" ? "RoleNotFound" : "NotFound");
  });

  it("does not echo control characters or long paths back", async () => {
    const response = await server.get(`/${"a".repeat(200)}%0d%0aSet-Cookie:x`);

    expect(response.statusCode).toBe(404);
    expectErrorBody(response, "NotFound");
    expect(JSON.parse(response.body).Message).not.toContain("a".repeat(81));
  });
});

describe("every refusal", () => {
  const requests: InjectOptions[] = [
    { method: "GET", url: "/roles/reader", headers: { host: "127.0.0.1:9770" } },
    { method: "GET", url: "/roles/reader", headers: { host: "127.0.0.1:9770", authorization: "wrong" } },
    { method: "GET", url: "/roles/reader", headers: { host: "evil.example", authorization: TOKEN } },
    { method: "GET", url: "/roles/nobody", headers: { host: "localhost", authorization: TOKEN } },
    { method: "GET", url: "/roles/denied", headers: { host: "localhost", authorization: TOKEN } },
    { method: "GET", url: "/roles/throttled", headers: { host: "localhost", authorization: TOKEN } },
    { method: "GET", url: "/roles/broken", headers: { host: "localhost", authorization: TOKEN } },
    {
      method: "POST",
      url: "/roles/reader",
      headers: { host: "localhost", authorization: TOKEN },
      payload: "x",
    },
    { method: "GET", url: "/nowhere", headers: { host: "localhost", authorization: TOKEN } },
  ];

  it.each(requests)("is {Code, Message} JSON without secrets: $method $url", async (request) => {
    const response = await server.app.inject(request);

    expect(response.statusCode).not.toBe(200);
    const body = JSON.parse(response.body);
    expect(Object.keys(body).sort()).toEqual(["Code", "Message"]);
    for (const secret of [TOKEN, ...Object.values(SECRETS)]) expect(response.body).not.toContain(secret);
  });
});
