import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../platform/log.js";
import type { RoleCredentials } from "../roles/credentials.js";
import type { Acquired, RoleState } from "../roles/roleSession.js";
import type { ClassifiedFailure } from "../roles/stsErrors.js";
import { buildServer, type CredentialSource } from "./server.js";

const TOKEN = "test-token-5f9c1a7e3b2d4c6a8e0f";
const SECRETS = {
  accessKeyId: "ASIAFAKEACCESSKEY123",
  secretAccessKey: "fake/secret+ACCESS+key/0123456789abcdefghij",
  sessionToken: "FAKE-SESSION-TOKEN-IQoJb3JpZ2luX2VjEJr",
};
const CREDENTIALS: RoleCredentials = {
  ...SECRETS,
  expiresAtMs: Date.UTC(2026, 10, 21, 14, 0, 0, 789),
  roleArn: "arn:aws:iam::123456789012:role/reader",
  assumedRoleArn: "arn:aws:sts::123456789012:assumed-role/reader/session",
  accountId: "123456789012",
  sessionName: "session",
};
const THROTTLED: ClassifiedFailure = {
  kind: "retryable",
  cause: "unavailable",
  code: "Throttling",
  message: "Rate exceeded",
};
const DENIED: ClassifiedFailure = {
  kind: "permanent",
  cause: "refused",
  code: "AccessDenied",
  message: "not authorized to perform sts:AssumeRole",
};
const MALFORMED: ClassifiedFailure = {
  kind: "permanent",
  cause: "invalidRequest",
  code: "MalformedPolicyDocument",
  message: "bad policy",
};

/** Roles whose acquire() answers as configured; records the waitMs each call was given. */
function fakeRoles(answers: Record<string, Acquired | Error>): CredentialSource & { waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    names: () => Object.keys(answers),
    get(name) {
      const answer = answers[name];
      if (answer === undefined) return undefined;
      const state: RoleState = answer instanceof Error ? "pending" : answer.ok ? "ready" : "failed";
      return {
        state: () => state,
        acquire: async (waitMs) => {
          waits.push(waitMs);
          if (answer instanceof Error) throw answer;
          return answer;
        },
      };
    },
  };
}

const ROLES = {
  reader: { ok: true, credentials: CREDENTIALS },
  throttled: { ok: false, failure: THROTTLED, retryAfterMs: 2500 },
  denied: { ok: false, failure: DENIED, retryAfterMs: 30_000 },
  malformed: { ok: false, failure: MALFORMED, retryAfterMs: 30_000 },
  broken: new Error(`boom ${SECRETS.secretAccessKey}`),
} satisfies Record<string, Acquired | Error>;

let app: FastifyInstance;
let roles: ReturnType<typeof fakeRoles>;
let logLines: string[];
beforeEach(() => {
  roles = fakeRoles(ROLES);
  logLines = [];
  app = buildServer({ token: TOKEN, roles, log: createLogger("debug", (line) => logLines.push(line)) });
});
afterEach(async () => {
  await app.close();
});

function get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return app.inject({
    method: "GET",
    url,
    headers: { host: "127.0.0.1:9770", authorization: TOKEN, ...headers },
  });
}

/** Every refusal is `{Code, Message}` JSON that gives nothing secret away. */
function expectErrorBody(response: LightMyRequestResponse, code: string): void {
  const body = JSON.parse(response.body);
  expect(Object.keys(body).sort()).toEqual(["Code", "Message"]);
  expect(body.Code).toBe(code);
  expect(typeof body.Message).toBe("string");
  expect(response.headers["content-type"]).toMatch(/^application\/json/);
  for (const secret of [TOKEN, ...Object.values(SECRETS)]) expect(response.body).not.toContain(secret);
}

describe("GET /roles/:name", () => {
  it("answers 200 with exactly the container-credentials fields", async () => {
    // Act
    const response = await get("/roles/reader");

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
    await get("/roles/reader");

    expect(roles.waits).toEqual([500]);
  });

  it("answers 401 MissingToken without an Authorization header", async () => {
    const response = await app.inject({
      method: "GET",
      url: "/roles/reader",
      headers: { host: "127.0.0.1:9770" },
    });

    expect(response.statusCode).toBe(401);
    expectErrorBody(response, "MissingToken");
    expect(roles.waits).toEqual([]);
  });

  it.each([
    ["a wrong token of the same length", `${TOKEN.slice(0, -1)}x`],
    ["a shorter token", TOKEN.slice(0, 8)],
    ["a longer token", `${TOKEN}${TOKEN}`],
    ["the token as a Bearer token", `Bearer ${TOKEN}`],
  ])("answers 403 InvalidToken for %s", async (_title, token) => {
    const response = await get("/roles/reader", { authorization: token });

    expect(response.statusCode).toBe(403);
    expectErrorBody(response, "InvalidToken");
    expect(roles.waits).toEqual([]);
  });

  it("answers 404 RoleNotFound for a role it does not have, listing those it has", async () => {
    const response = await get("/roles/writer");

    expect(response.statusCode).toBe(404);
    expectErrorBody(response, "RoleNotFound");
    expect(JSON.parse(response.body).Message).toContain("reader");
  });

  it("answers 503 with retry-after while a retryable failure lasts", async () => {
    const response = await get("/roles/throttled");

    expect(response.statusCode).toBe(503);
    expect(response.headers["retry-after"]).toBe("3");
    expectErrorBody(response, "Throttling");
  });

  it.each([
    ["denied", 403, "AccessDenied"],
    ["malformed", 400, "MalformedPolicyDocument"],
  ])("answers a permanent failure of %s with %i and STS's code", async (name, status, code) => {
    const response = await get(`/roles/${name}`);

    expect(response.statusCode).toBe(status);
    expect(response.headers["retry-after"]).toBeUndefined();
    expectErrorBody(response, code);
  });

  it("answers 500 without the error's text when acquire throws", async () => {
    const response = await get("/roles/broken");

    expect(response.statusCode).toBe(500);
    expectErrorBody(response, "InternalError");
  });
});

describe("request guards", () => {
  it.each(["POST", "PUT", "DELETE", "PATCH"] as const)(
    "answers 405 with allow: GET for %s",
    async (method) => {
      const response = await app.inject({
        method,
        url: "/roles/reader",
        headers: { host: "127.0.0.1:9770", authorization: TOKEN },
      });

      expect(response.statusCode).toBe(405);
      expect(response.headers.allow).toBe("GET");
      expectErrorBody(response, "MethodNotAllowed");
      expect(roles.waits).toEqual([]);
    },
  );

  it("answers 405 with allow: GET for HEAD, with no body", async () => {
    const response = await app.inject({
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
    const response = await get("/roles/reader", headers);

    expect(response.statusCode).toBe(403);
    expectErrorBody(response, code);
    expect(roles.waits).toEqual([]);
  });

  it.each(["127.0.0.1:9770", "127.0.0.1", "localhost", "LOCALHOST:9770", "[::1]:9770", "[::1]"])(
    "serves Host: %s",
    async (host) => {
      const response = await get("/roles/reader", { host });

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
      const response = await app.inject({
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

describe("other paths", () => {
  it("answers /health without a token and without credential material", async () => {
    const response = await app.inject({ method: "GET", url: "/health", headers: { host: "127.0.0.1:9770" } });

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
    expect(roles.waits).toEqual([]);
  });

  it("refuses /health from a foreign Host too", async () => {
    const response = await app.inject({ method: "GET", url: "/health", headers: { host: "evil.example" } });

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
    const response = await get(url);

    expect(response.statusCode).toBe(404);
    expectErrorBody(response, url === "/roles/" ? "RoleNotFound" : "NotFound");
  });

  it("does not echo control characters or long paths back", async () => {
    const response = await get(`/${"a".repeat(200)}%0d%0aSet-Cookie:x`);

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
    const response = await app.inject(request);

    expect(response.statusCode).not.toBe(200);
    const body = JSON.parse(response.body);
    expect(Object.keys(body).sort()).toEqual(["Code", "Message"]);
    for (const secret of [TOKEN, ...Object.values(SECRETS)]) expect(response.body).not.toContain(secret);
  });
});
