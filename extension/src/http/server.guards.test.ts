/**
 * The request guards (methods, proxy headers, Host) and fastify's own refusals, answered with our
 * {Code, Message} body.
 */
import { describe, expect, it } from "vitest";
import { expectErrorBody, serverPerTest, TOKEN } from "../../test/support/serverHarness.js";

const server = serverPerTest();

describe("request guards", () => {
  it.each(["POST", "PUT", "DELETE", "PATCH"] as const)(
    "answers 405 with allow: GET for %s",
    async (method) => {
      const response = await server.app.inject({
        method,
        url: "/roles/reader",
        headers: { host: "127.0.0.1:9770", authorization: TOKEN },
      });

      expect(response.statusCode).toBe(405);
      expect(response.headers.allow).toBe("GET");
      expectErrorBody(response, "MethodNotAllowed");
      expect(server.roles.waits).toEqual([]);
    },
  );

  it("answers 405 with allow: GET for HEAD, with no body", async () => {
    const response = await server.app.inject({
      method: "HEAD",
      url: "/roles/reader",
      headers: { host: "127.0.0.1:9770" },
    });

    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe("GET");
    expect(response.body).toBe("");
  });

  it.each([
    ["X-Forwarded-For", { "x-forwarded-for": "203.0.113.7" }, "ForwardedRequestRefused"],
    ["Forwarded", { forwarded: "for=203.0.113.7" }, "ForwardedRequestRefused"],
    ["Host: evil.example", { host: "evil.example" }, "HostRefused"],
    ["Host: 127.0.0.1.nip.io", { host: "127.0.0.1.nip.io" }, "HostRefused"],
    ["Host: localhost.evil.example:9770", { host: "localhost.evil.example:9770" }, "HostRefused"],
    ["Host: [::2]:9770", { host: "[::2]:9770" }, "HostRefused"],
  ])("answers 403 to %s, even with the right token", async (_title, headers, code) => {
    const response = await server.get("/roles/reader", headers);

    expect(response.statusCode).toBe(403);
    expectErrorBody(response, code);
    expect(server.roles.waits).toEqual([]);
  });

  it.each(["127.0.0.1:9770", "127.0.0.1", "localhost", "LOCALHOST:9770", "[::1]:9770", "[::1]"])(
    "serves Host: %s",
    async (host) => {
      const response = await server.get("/roles/reader", { host });

      expect(response.statusCode).toBe(200);
    },
  );
});

describe("fastify's own refusals", () => {
  // Bodies are never read: every method but GET is refused before, and fastify parses none on GET.
  it.each([
    ["POST", "/roles/reader", { "content-type": "application/json" }, "{x", 405],
    ["PUT", "/health", { "content-type": "application/x-unknown" }, "x", 405],
    ["POST", "/nowhere", { "content-type": "text/plain" }, "x".repeat(2000), 405],
    ["GET", "/roles/%zz", {}, undefined, 400],
    ["GET", `/roles/${"a".repeat(101)}`, {}, undefined, 414],
  ] as const)(
    "answers %s %s with our {Code, Message}, never FST_ERR_ or fastify's text",
    async (method, url, headers, payload, status) => {
      const response = await server.app.inject({
        method,
        url,
        headers: { host: "127.0.0.1", authorization: TOKEN, ...headers },
        ...(payload === undefined ? {} : { payload }),
      });

      expect(response.statusCode).toBe(status);
      expect(Object.keys(JSON.parse(response.body)).sort()).toEqual(["Code", "Message"]);
      expect(response.body).not.toMatch(/FST_|content-type|Unsupported Media Type|fastify/i);
    },
  );
});
