import type { IncomingHttpHeaders } from "node:http";
import Fastify, { type FastifyInstance, type FastifyReply } from "fastify";
import type { Logger } from "../platform/log.js";
import type { Metrics } from "../platform/metrics.js";
import type { Acquired, RoleState } from "../roles/roleSession.js";
import type { RoleCredentials } from "../sts/credentials.js";
import { answerClientError, answerConnect } from "./clientErrors.js";
import { DatedResponse } from "./datedResponse.js";
import { publicError } from "./errorBodies.js";
import { failureStatus } from "./failureStatus.js";
import { shedIdleConnections } from "./idleConnections.js";
import {
  checkToken,
  MAX_REQUEST_HEADERS,
  type Refusal,
  refuseMethod,
  refuseUntrusted,
  tokenDigest,
} from "./requestGuards.js";
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
    http: { ServerResponse: DatedResponse },
    // No route has a schema: plain builders keep Ajv and fast-json-stringify out of start-up.
    schemaController: { compilersFactory: { buildValidator: noSchemas, buildSerializer: noSchemas } },
    // Parser and router refusals skip hooks and the error handler; shape them like every other error.
    clientErrorHandler: answerClientError,
    frameworkErrors: (error, request, reply) => {
      const refused = refuseRequest(request.raw);
      if (refused !== undefined) return void sendRefusal(reply, refused);
      const { status, body } = publicError(error.statusCode);
      void sendError(reply, status, body);
    },
  });
  // Node keeps this many headers and drops the rest unseen: one more than allowed, so too many is seen.
  app.server.maxHeadersCount = MAX_REQUEST_HEADERS + 1;
  // Node closes a CONNECT without a word when nobody listens; answer it like any other method.
  app.server.on("connect", answerConnect);
  // Hundreds of idle connections must not use up the process's file descriptors (Managed Instances).
  shedIdleConnections(app.server);

  // onRequest runs before the body is read and for unknown routes and methods too.
  app.addHook("onRequest", async (request, reply) => {
    const refused = refuseRequest(request.raw);
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
    // A retryable failure ends by itself: say when the next attempt is due.
    if (failure.kind === "retryable")
      reply.header("retry-after", String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
    return sendError(reply, failureStatus(failure.cause), body);
  });

  // Role names can tell how a business is organised: only the token holder sees them. Anyone else
  // (a probe, or whoever can make the function fetch a loopback URL) learns only that it is up.
  app.get("/health", async (request, reply) => {
    const trusted = checkToken(request.headers.authorization, expectedDigest) === undefined;
    const body = trusted
      ? {
          status: "ok",
          roles: Object.fromEntries(
            options.roles.names().map((name) => [name, options.roles.get(name)?.state()]),
          ),
        }
      : { status: "ok" };
    return reply
      .code(200)
      .header("cache-control", "no-store")
      .type("application/json")
      .send(JSON.stringify(body));
  });

  app.setNotFoundHandler(async (request, reply) =>
    sendError(reply, 404, {
      Code: "NotFound",
      Message: `nothing at ${printable(request.url)}; credentials are at /roles/<name>`,
    }),
  );

  app.setErrorHandler(async (error: Error & { statusCode?: number }, request, reply) => {
    const { status, body } = publicError(error.statusCode);
    if (status === 500)
      options.log.error("request failed", {
        event: "http-error",
        error: error.message,
        path: printable(request.url),
      });
    return sendError(reply, status, body);
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

/** The guards every request meets first, in order: origin and framing, then the method. */
function refuseRequest(raw: {
  url?: string | undefined;
  method?: string | undefined;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
}): Refusal | undefined {
  return (
    refuseUntrusted({ url: raw.url ?? "", headers: raw.headers, rawHeaders: raw.rawHeaders }) ??
    refuseMethod(raw.method ?? "")
  );
}

function sendRefusal(reply: FastifyReply, refusal: Refusal): FastifyReply {
  if (refusal.status === 405) reply.header("allow", "GET");
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
