/**
 * GET /roles/:name: the container-credentials answer, the default wait, the token checks, and each
 * failure's status and code.
 */
import { describe, expect, it } from "vitest";
import { expectErrorBody, SECRETS, serverPerTest, TOKEN } from "../../test/support/serverHarness.js";

const server = serverPerTest();

describe("GET /roles/:name", () => {
  it("answers 200 with exactly the container-credentials fields", async () => {
    // Act
    const response = await server.get("/roles/reader");

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.headers["cache-control"]).toBe("no-store");
    expect(response.headers["content-type"]).toMatch(/^application\/json/);
    expect(JSON.parse(response.body)).toEqual({
      Code: "Success",
      AccessKeyId: SECRETS.accessKeyId,
      SecretAccessKey: SECRETS.secretAccessKey,
      Token: SECRETS.sessionToken,
      Expiration: "2026-11-21T14:00:00Z",
      AccountId: "123456789012",
      RoleArn: "arn:aws:iam::123456789012:role/reader",
    });
    expect(JSON.parse(response.body).Expiration).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it("waits for credentials for 500 ms by default", async () => {
    await server.get("/roles/reader");

    expect(server.roles.waits).toEqual([500]);
  });

  it("answers 401 MissingToken without an Authorization header", async () => {
    const response = await server.app.inject({
      method: "GET",
      url: "/roles/reader",
      headers: { host: "127.0.0.1:9770" },
    });

    expect(response.statusCode).toBe(401);
    expectErrorBody(response, "MissingToken");
    expect(server.roles.waits).toEqual([]);
  });

  it.each([
    ["a wrong token of the same length", `${TOKEN.slice(0, -1)}x`],
    ["a shorter token", TOKEN.slice(0, 8)],
    ["a longer token", `${TOKEN}${TOKEN}`],
    ["the token as a Bearer token", `Bearer ${TOKEN}`],
  ])("answers 403 InvalidToken for %s", async (_title, token) => {
    const response = await server.get("/roles/reader", { authorization: token });

    expect(response.statusCode).toBe(403);
    expectErrorBody(response, "InvalidToken");
    expect(server.roles.waits).toEqual([]);
  });

  it("answers 404 RoleNotFound for a role it does not have, listing those it has", async () => {
    const response = await server.get("/roles/writer");

    expect(response.statusCode).toBe(404);
    expectErrorBody(response, "RoleNotFound");
    expect(JSON.parse(response.body).Message).toContain("reader");
  });

  it("answers 503 with retry-after while a retryable failure lasts", async () => {
    const response = await server.get("/roles/throttled");

    expect(response.statusCode).toBe(503);
    expect(response.headers["retry-after"]).toBe("3");
    expectErrorBody(response, "Throttling");
  });

  it.each([
    ["denied", 403, "AccessDenied"],
    ["malformed", 400, "MalformedPolicyDocument"],
  ])("answers a permanent failure of %s with %i and STS's code", async (name, status, code) => {
    const response = await server.get(`/roles/${name}`);

    expect(response.statusCode).toBe(status);
    expect(response.headers["retry-after"]).toBeUndefined();
    expectErrorBody(response, code);
  });

  it("answers 500 without the error's text when acquire throws", async () => {
    const response = await server.get("/roles/broken");

    expect(response.statusCode).toBe(500);
    expectErrorBody(response, "InternalError");
  });
});
