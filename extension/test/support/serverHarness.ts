/**
 * What the HTTP server's unit tests share: a token, credentials and failures, fake roles that answer
 * as configured (recording each wait), a fresh server per test driven by inject(), and the check that
 * a refusal is {Code, Message} JSON giving nothing secret away.
 */
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { afterEach, beforeEach, expect } from "vitest";
import { buildServer, type CredentialSource } from "../../src/http/server.js";
import { createLogger } from "../../src/platform/log.js";
import type { Acquired, RoleState } from "../../src/roles/roleSession.js";
import type { RoleCredentials } from "../../src/sts/credentials.js";
import type { ClassifiedFailure } from "../../src/sts/stsErrors.js";

export const TOKEN = "test-token-5f9c1a7e3b2d4c6a8e0f";
export const SECRETS = {
  accessKeyId: "ASIAFAKEACCESSKEY123",
  secretAccessKey: "fake/secret+ACCESS+key/0123456789abcdefghij",
  sessionToken: "FAKE-SESSION-TOKEN-IQoJb3JpZ2luX2VjEJr",
};
export const CREDENTIALS: RoleCredentials = {
  ...SECRETS,
  expiresAtMs: Date.UTC(2026, 10, 21, 14, 0, 0, 789),
  roleArn: "arn:aws:iam::123456789012:role/reader",
  assumedRoleArn: "arn:aws:sts::123456789012:assumed-role/reader/session",
  accountId: "123456789012",
  sessionName: "session",
};
export const THROTTLED: ClassifiedFailure = {
  kind: "retryable",
  code: "Throttling",
  message: "Rate exceeded",
  cause: "unavailable",
};
export const DENIED: ClassifiedFailure = {
  kind: "permanent",
  code: "AccessDenied",
  message: "not authorized to perform sts:AssumeRole",
  cause: "refused",
};
export const MALFORMED: ClassifiedFailure = {
  kind: "permanent",
  code: "MalformedPolicyDocument",
  message: "bad policy",
  cause: "invalidRequest",
};

/** Roles whose acquire() answers as configured; records the waitMs each call was given. */
export function fakeRoles(answers: Record<string, Acquired | Error>): CredentialSource & { waits: number[] } {
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

export const ROLES = {
  reader: { ok: true, credentials: CREDENTIALS },
  throttled: { ok: false, failure: THROTTLED, retryAfterMs: 2500 },
  denied: { ok: false, failure: DENIED, retryAfterMs: 30_000 },
  malformed: { ok: false, failure: MALFORMED, retryAfterMs: 30_000 },
  broken: new Error(`boom ${SECRETS.secretAccessKey}`),
} satisfies Record<string, Acquired | Error>;

export interface ServerUnderTest {
  readonly app: FastifyInstance;
  readonly roles: ReturnType<typeof fakeRoles>;
  /** A GET with a loopback Host and the token, `headers` on top. */
  get(url: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
}

/** Registers hooks that build a server over ROLES before each test and close it after. */
export function serverPerTest(): ServerUnderTest {
  let app: FastifyInstance | undefined;
  let roles: ReturnType<typeof fakeRoles> | undefined;
  beforeEach(() => {
    roles = fakeRoles(ROLES);
    app = buildServer({ token: TOKEN, roles, log: createLogger("debug", () => undefined) });
  });
  afterEach(async () => {
    await app?.close();
  });
  const built = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the server is built in beforeEach: use it inside a test");
    return value;
  };
  return {
    get app() {
      return built(app);
    },
    get roles() {
      return built(roles);
    },
    get: (url, headers = {}) =>
      built(app).inject({
        method: "GET",
        url,
        headers: { host: "127.0.0.1:9770", authorization: TOKEN, ...headers },
      }),
  };
}

/** Every refusal is `{Code, Message}` JSON that gives nothing secret away. */
export function expectErrorBody(response: LightMyRequestResponse, code: string): void {
  const body = JSON.parse(response.body);
  expect(Object.keys(body).sort()).toEqual(["Code", "Message"]);
  expect(body.Code).toBe(code);
  expect(typeof body.Message).toBe("string");
  expect(response.headers["content-type"]).toMatch(/^application\/json/);
  for (const secret of [TOKEN, ...Object.values(SECRETS)]) expect(response.body).not.toContain(secret);
}
