import Fastify, { type FastifyInstance, type FastifyReply } from "fastify";
import type { Logger } from "../log.js";
import type { Metrics } from "../metrics.js";
import type { RoleCredentials } from "../roles/credentials.js";
import type { Acquired, RoleState } from "../roles/roleSession.js";
import { answerClientError } from "./clientErrors.js";
import { checkToken, type Refusal, refuseUnexpectedOrigin, tokenDigest } from "./requestGuards.js";
import { type ErrorBody, toContainerCredentials } from "./wireFormat.js";

export interface CredentialSource {
  names(): string[];
  get(name: string): { acquire(waitMs: number): Promise<Acquired>; state(): RoleState } | undefined;
}

export interface ServerOptions {
  readonly token: string;
  readonly roles: CredentialSource;
  readonly log: Logger;
  /**
   * How long a request waits for a first AssumeRole in flight before answering 503: below the
   * 1 s timeout of the JS and Java SDKs, so they retry instead of failing.
   */
  readonly waitForCredentialsMs?: number;
  readonly metrics?: Metrics;
}

export const DEFAULT_WAIT_FOR_CREDENTIALS_MS = 500;
const OTHER_METHODS = ["DELETE", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"] as const;

/** The HTTP face: validates, fetches, marshals. Build with this, test with `app.inject()`. */
export function buildServer(options: ServerOptions): FastifyInstance {
  const expectedDigest = tokenDigest(options.token);
  const waitMs = options.waitForCredentialsMs ?? DEFAULT_WAIT_FOR_CREDENTIALS_MS;
  const app = Fastify({
    logger: false,
    exposeHeadRoutes: false,
    return503OnClosing: true,
    bodyLimit: 1024,
    requestTimeout: 10_000,
    // No route has a schema: plain builders keep Ajv and fast-json-stringify out of start-up.
    schemaController: { compilersFactory: { buildValidator: noSchemas, buildSerializer: noSchemas } },
    // Parser and router refusals skip hooks and the error handler; shape them like every other error.
    clientErrorHandler: answerClientError,
    frameworkErrors: (error, request, reply) => {
      const refused = refuseUnexpectedOrigin(request.headers);
      if (refused !== undefined) return void sendRefusal(reply, refused);
      const tooLong = error.code === "FST_ERR_MAX_PARAM_LENGTH";
      void sendError(reply, tooLong ? 414 : 400, {
        Code: tooLong ? "UriTooLong" : "BadUrl",
        Message: tooLong ? "a path segment is longer than 100 characters" : "the URL is not valid",
      });
    },
  });

  app.addHook("onRequest", async (request, reply) => {
    const refused = refuseUnexpectedOrigin(request.headers);
    if (refused !== undefined) return sendRefusal(reply, refused);
  });

  app.get<{ Params: { name: string } }>("/roles/:name", async (request, reply) => {
    const refused = checkToken(request.headers.authorization, expectedDigest);
    if (refused !== undefined) return sendRefusal(reply, refused);
    const role = options.roles.get(request.params.name);
    if (role === undefined) {
      const known = options.roles.names().join(", ");
      return sendError(reply, 404, {
        Code: "RoleNotFound",
        Message: `no role named ${printable(request.params.name)}; configured: ${known}`,
      });
    }
    const acquired = await role.acquire(waitMs);
    options.metrics?.served(request.params.name, acquired.ok);
    if (acquired.ok) {
      return reply
        .code(200)
        .header("cache-control", "no-store")
        .type("application/json")
        .send(serialised(acquired.credentials));
    }
    const { failure, retryAfterMs } = acquired;
    const body = { Code: failure.code, Message: `role ${request.params.name}: ${failure.message}` };
    if (failure.kind === "retryable") {
      reply.header("retry-after", String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
      return sendError(reply, 503, body);
    }
    return sendError(reply, failure.httpStatus, body);
  });

  app.get("/health", async (_request, reply) => {
    const roles = Object.fromEntries(
      options.roles.names().map((name) => [name, options.roles.get(name)?.state()]),
    );
    return reply
      .code(200)
      .header("cache-control", "no-store")
      .type("application/json")
      .send(JSON.stringify({ status: "ok", roles }));
  });

  for (const url of ["/roles/:name", "/health"]) {
    app.route({
      method: [...OTHER_METHODS],
      url,
      handler: async (request, reply) =>
        sendError(reply.header("allow", "GET"), 405, {
          Code: "MethodNotAllowed",
          Message: `${request.method} is not allowed; use GET`,
        }),
    });
  }

  app.setNotFoundHandler(async (request, reply) =>
    sendError(reply, 404, {
      Code: "NotFound",
      Message: `nothing at ${printable(request.url)}; credentials are at /roles/<name>`,
    }),
  );

  app.setErrorHandler(async (error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const status =
      error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500
        ? error.statusCode
        : 500;
    if (status === 500)
      options.log.error("request failed", {
        event: "http-error",
        error: error.message,
        path: printable(request.url),
      });
    return sendError(reply, status, {
      Code: status === 500 ? "InternalError" : (error.code ?? "BadRequest"),
      Message: status === 500 ? "the sidecar failed to answer; see its log" : error.message,
    });
  });

  return app;
}

/** Credentials change once per refresh, requests come by the thousand: serialise once per credentials. */
const bodies = new WeakMap<RoleCredentials, string>();
function serialised(credentials: RoleCredentials): string {
  let body = bodies.get(credentials);
  if (body === undefined) {
    body = JSON.stringify(toContainerCredentials(credentials));
    bodies.set(credentials, body);
  }
  return body;
}

function sendRefusal(reply: FastifyReply, refusal: Refusal): FastifyReply {
  return sendError(reply, refusal.status, refusal.body);
}

function sendError(reply: FastifyReply, status: number, body: ErrorBody): FastifyReply {
  return reply
    .code(status)
    .header("cache-control", "no-store")
    .type("application/json")
    .send(JSON.stringify(body));
}

/** Echoed request text is cut short and stripped of control characters. */
function printable(text: string): string {
  const clean = text.replace(/[^\x20-\x7e]/g, "?");
  return clean.length > 80 ? `${clean.slice(0, 80)}...` : clean;
}

function noSchemas(): () => never {
  return () => {
    throw new Error("credentials-sidecar routes declare no schemas");
  };
}
