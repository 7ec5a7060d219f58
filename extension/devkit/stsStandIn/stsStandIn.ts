// A local STS stand-in for tests and local runs (never used in Lambda). Speaks the awsQuery protocol
// that @aws-sdk/client-sts and botocore use, verifies SigV4 for real, issues and remembers sessions,
// and misbehaves on request (faults, latency, odd answers).
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import {
  type AssumeRoleRequest,
  checkAssumeRole,
  el,
  errorXml,
  parseParams,
  STS_VERSION,
  StsError,
  successXml,
} from "./stsProtocol.js";
import { type BaseIdentity, STAND_IN_ACCOUNT, type StsAnswerOverride, StsSessions } from "./stsSessions.js";

export { STAND_IN_ACCOUNT, type StsAnswerOverride };

export type StsAction = "AssumeRole" | "GetCallerIdentity";
export interface StsFault {
  /**
   * `refuse` resets every connection as soon as it is accepted (the port stays bound, so no other
   * process can take it meanwhile); it ignores `actions` and `times`. `unavailable` (503) is an extra.
   */
  kind: "throttle" | "server-error" | "unavailable" | "hang" | "refuse";
  actions?: StsAction[];
  /** Affect only the next N matching requests, then clear the fault (parked `hang` requests stay parked). */
  times?: number;
}
export interface StsStandInOptions {
  /** The execution role's keys; default: random keys of an IAM user. */
  base?: { accessKeyId: string; secretAccessKey: string; arn?: string };
  deniedRoles?: string[];
  /** Role name → the ExternalId its trust demands. */
  externalIds?: Record<string, string>;
  /** Lifetime of every session issued, whatever DurationSeconds asks for. */
  sessionLifetimeSeconds?: number;
  /** The stand-in's clock (signatures, expiry). */
  now?: () => number;
  latencyMs?: number;
}
export interface StsStandIn {
  /** http://127.0.0.1:PORT, any free port, bound before startStsStandIn resolves. */
  readonly endpoint: string;
  readonly accountId: string;
  readonly base: BaseIdentity;
  setFault(f: StsFault | undefined): Promise<void>;
  setSessionLifetimeSeconds(seconds: number | undefined): void;
  setAnswerOverride(override: StsAnswerOverride | undefined): void;
  calls(action?: string): number;
  /** Resolves once `calls(action)` reached `count` (the request arrived; it may still be answered). */
  waitForCalls(action: StsAction, count: number, timeoutMs?: number): Promise<void>;
  issued(): number;
  /** Every AssumeRole granted so far, as asked: role, session name and session tags. */
  assumed(): readonly AssumeRoleRequest[];
  close(): Promise<void>;
}

const FAULT_ERRORS = {
  throttle: () => new StsError("Throttling", "Rate exceeded", 400),
  "server-error": () => new StsError("InternalFailure", "An internal error has occurred", 500),
  unavailable: () => new StsError("ServiceUnavailable", "Service is unavailable", 503),
} as const;

export async function startStsStandIn(options: StsStandInOptions = {}): Promise<StsStandIn> {
  const now = options.now ?? Date.now;
  const latencyMs = options.latencyMs ?? 0;
  let lifetimeOverride = options.sessionLifetimeSeconds;
  let answerOverride: StsAnswerOverride | undefined;
  const sessions = new StsSessions(now, options.base);
  const granted: AssumeRoleRequest[] = [];
  const counts = new Map<string, number>();
  const countListeners = new Set<() => void>();
  let fault: StsFault | undefined;
  let parked: (() => void)[] = [];

  /** The fault this request meets, if any (a counted one is used up here). */
  function faultFor(action: string): StsFault | undefined {
    const active = fault;
    if (!active || active.kind === "refuse" || (active.actions && !active.actions.some((a) => a === action)))
      return undefined;
    if (active.times !== undefined && --active.times <= 0 && fault === active) fault = undefined;
    return active;
  }

  async function answer(action: string, params: Map<string, string>, req: IncomingMessage, body: Buffer) {
    const met = faultFor(action);
    if (met?.kind === "hang") await new Promise<void>((resume) => parked.push(resume));
    else if (met !== undefined && met.kind !== "refuse") throw FAULT_ERRORS[met.kind]();
    if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));
    if (action !== "AssumeRole" && action !== "GetCallerIdentity") {
      throw new StsError(
        "InvalidAction",
        `Could not find operation ${action} for version ${STS_VERSION}`,
        400,
      );
    }
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const headers: [string, string][] = [];
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
      headers.push([req.rawHeaders[i] ?? "", req.rawHeaders[i + 1] ?? ""]);
    }
    const caller = await sessions.authenticate({
      method: req.method ?? "GET",
      path: q < 0 ? url : url.slice(0, q),
      query: q < 0 ? "" : url.slice(q + 1),
      headers,
      body,
    });
    if (action === "GetCallerIdentity") {
      return [el("Arn", caller.arn), el("UserId", caller.userId), el("Account", caller.account)];
    }
    const request = checkAssumeRole(params, caller, {
      accountId: STAND_IN_ACCOUNT,
      deniedRoles: options.deniedRoles ?? [],
      externalIds: options.externalIds ?? {},
    });
    granted.push(request);
    return sessions.issue(request, lifetimeOverride ?? request.durationSeconds, answerOverride);
  }

  async function handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const requestId = randomUUID();
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const params = parseParams(body.toString("utf8"), q < 0 ? "" : url.slice(q + 1));
    const action = params.get("Action") ?? "";
    counts.set(action, (counts.get(action) ?? 0) + 1);
    for (const listener of [...countListeners]) listener();
    const send = (status: number, xml: string) => {
      res.writeHead(status, {
        "Content-Type": "text/xml",
        "Content-Length": Buffer.byteLength(xml),
        "x-amzn-RequestId": requestId,
        Date: new Date(now()).toUTCString(),
      });
      res.end(xml);
    };
    try {
      send(200, successXml(action, await answer(action, params, req, body), requestId));
    } catch (e) {
      const err =
        e instanceof StsError ? e : new StsError("InternalFailure", "An internal error has occurred", 500);
      send(err.status, errorXml(err, requestId));
    }
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => void handle(req, res, Buffer.concat(chunks)));
  });
  // `refuse` never gives the port up: a connection is reset (RST) the moment it is accepted, so a
  // client sees ECONNRESET much as it would see ECONNREFUSED, and nothing else can bind the port.
  const sockets = new Set<Socket>();
  server.on("connection", (socket) => {
    if (fault?.kind === "refuse") return void socket.resetAndDestroy();
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    accountId: STAND_IN_ACCOUNT,
    base: sessions.base,
    async setFault(next) {
      fault = next ? { ...next } : undefined;
      const resume = parked;
      parked = [];
      for (const r of resume) r();
      // Keep-alive connections opened before are reset too: nothing gets through while refusing.
      if (next?.kind === "refuse") for (const socket of sockets) socket.resetAndDestroy();
    },
    setSessionLifetimeSeconds(seconds) {
      lifetimeOverride = seconds;
    },
    setAnswerOverride(override) {
      answerOverride = override === undefined ? undefined : { ...override };
    },
    calls(action) {
      if (action !== undefined) return counts.get(action) ?? 0;
      let total = 0;
      for (const n of counts.values()) total += n;
      return total;
    },
    waitForCalls: (action, count, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if ((counts.get(action) ?? 0) < count) return;
          clearTimeout(timer);
          countListeners.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          countListeners.delete(check);
          reject(
            new Error(
              `STS stand-in: ${counts.get(action) ?? 0} of ${count} ${action} calls after ${timeoutMs} ms`,
            ),
          );
        }, timeoutMs);
        countListeners.add(check);
        check();
      }),
    issued: () => sessions.issued,
    assumed: () => granted,
    close: () =>
      new Promise<void>((resolve) => {
        parked = [];
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
