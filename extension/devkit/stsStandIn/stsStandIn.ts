// A local STS stand-in for tests and local runs (never used in Lambda). Speaks the awsQuery protocol
// that @aws-sdk/client-sts and botocore use, verifies SigV4 for real, issues and remembers sessions.
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { headerValue, parseAuthorization, type SignedRequest, verifySignature } from "./sigv4.js";
import {
  type Caller,
  checkAssumeRole,
  el,
  errorXml,
  parseParams,
  STS_VERSION,
  StsError,
  successXml,
} from "./stsProtocol.js";

export type StsAction = "AssumeRole" | "GetCallerIdentity";
export interface StsFault {
  /** `unavailable` (503 ServiceUnavailable) is an extra; `refuse` ignores `actions` and `times`. */
  kind: "throttle" | "server-error" | "unavailable" | "hang" | "refuse";
  actions?: StsAction[];
  /** Affect only the next N matching requests, then clear the fault (parked `hang` requests stay parked). */
  times?: number;
}
/**
 * Raw values AssumeRole answers with instead of the real ones, to test a client against a broken STS
 * (or a clock far from it): `Expiration: "2020-01-01T00:00:00Z"`, `AccessKeyId: " "`. The session
 * is still issued and works under its real key.
 */
export interface StsAnswerOverride {
  Expiration?: string;
  AccessKeyId?: string;
  SecretAccessKey?: string;
  SessionToken?: string;
}
export interface StsStandInOptions {
  port?: number;
  host?: string;
  accountId?: string;
  base?: { accessKeyId: string; secretAccessKey: string; arn?: string };
  deniedRoles?: string[];
  externalIds?: Record<string, string>;
  sessionLifetimeSeconds?: number;
  now?: () => number;
  latencyMs?: number;
  log?: (line: string) => void;
}
export interface StsStandIn {
  readonly endpoint: string;
  readonly accountId: string;
  readonly base: { accessKeyId: string; secretAccessKey: string; arn: string };
  setFault(f: StsFault | undefined): Promise<void>;
  setLatencyMs(ms: number): void;
  setSessionLifetimeSeconds(seconds: number | undefined): void;
  setAnswerOverride(override: StsAnswerOverride | undefined): void;
  calls(action?: string): number;
  /** Resolves once `calls(action)` reached `count` (the request arrived; it may still be answered). */
  waitForCalls(action: StsAction, count: number, timeoutMs?: number): Promise<void>;
  issued(): number;
  close(): Promise<void>;
}

interface Principal extends Caller {
  secret: string;
  token?: string;
  expiresAt?: number;
}

const UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const randomChars = (n: number, alphabet: string) =>
  Array.from(randomBytes(n), (b) => alphabet[b % alphabet.length]).join("");
const newId = (prefix: string, n = 16) => prefix + randomChars(n, UPPER_ALNUM);
const newSecret = () => randomBytes(30).toString("base64");

const FAULT_ERRORS = {
  throttle: () => new StsError("Throttling", "Rate exceeded", 400),
  "server-error": () => new StsError("InternalFailure", "An internal error has occurred", 500),
  unavailable: () => new StsError("ServiceUnavailable", "Service is unavailable", 503),
} as const;

export async function startStsStandIn(options: StsStandInOptions = {}): Promise<StsStandIn> {
  const host = options.host ?? "127.0.0.1";
  const accountId = options.accountId ?? "123456789012";
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => {});
  let latencyMs = options.latencyMs ?? 0;
  let lifetimeOverride = options.sessionLifetimeSeconds;
  let answerOverride: StsAnswerOverride | undefined;
  const base = {
    accessKeyId: options.base?.accessKeyId ?? newId("AKIA"),
    secretAccessKey: options.base?.secretAccessKey ?? newSecret(),
    arn: options.base?.arn ?? `arn:aws:iam::${accountId}:user/local-base`,
  };
  const baseRole = /:assumed-role\/[^/]+\/(.+)$/.exec(base.arn);
  const principals = new Map<string, Principal>([
    [
      base.accessKeyId,
      {
        secret: base.secretAccessKey,
        arn: base.arn,
        account: base.arn.split(":")[4] || accountId,
        userId: baseRole ? `${newId("AROA", 17)}:${baseRole[1]}` : newId("AIDA", 17),
        chained: baseRole !== null,
      },
    ],
  ]);
  const roleIds = new Map<string, string>();
  const counts = new Map<string, number>();
  const countListeners = new Set<() => void>();
  let issuedCount = 0;
  let fault: StsFault | undefined;
  let parked: (() => void)[] = [];

  async function authenticate(req: SignedRequest): Promise<Principal> {
    const header = headerValue(req.headers, "authorization");
    if (header === undefined)
      throw new StsError("MissingAuthenticationToken", "Request is missing Authentication Token", 403);
    const auth = parseAuthorization(header);
    if ("code" in auth) throw new StsError(auth.code, auth.message, 400);
    const who = principals.get(auth.accessKeyId);
    const token = headerValue(req.headers, "x-amz-security-token");
    if (!who || token !== who.token) {
      throw new StsError(
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
        403,
      );
    }
    const failure = await verifySignature(req, auth, { service: "sts", nowMs: now(), secret: who.secret });
    if (failure)
      throw new StsError(failure.code, failure.message, failure.code === "IncompleteSignature" ? 400 : 403);
    if (who.expiresAt !== undefined && who.expiresAt <= now()) {
      throw new StsError("ExpiredToken", "The security token included in the request is expired", 403);
    }
    return who;
  }

  function assumeRole(params: Map<string, string>, caller: Principal): string[] {
    const r = checkAssumeRole(params, caller, {
      accountId,
      deniedRoles: options.deniedRoles ?? [],
      externalIds: options.externalIds ?? {},
    });
    const lifetime = lifetimeOverride ?? r.durationSeconds;
    const expiresAt = Math.floor(now() / 1000) * 1000 + lifetime * 1000;
    const roleId = roleIds.get(r.roleArn) ?? newId("AROA", 17);
    roleIds.set(r.roleArn, roleId);
    const session: Principal = {
      secret: newSecret(),
      token: randomBytes(300).toString("base64"),
      expiresAt,
      arn: `arn:aws:sts::${accountId}:assumed-role/${r.roleName}/${r.sessionName}`,
      userId: `${roleId}:${r.sessionName}`,
      account: accountId,
      chained: true,
      sourceIdentity: r.sourceIdentity,
    };
    const accessKeyId = newId("ASIA");
    principals.set(accessKeyId, session);
    issuedCount++;
    const answer: Required<StsAnswerOverride> = {
      AccessKeyId: accessKeyId,
      SecretAccessKey: session.secret,
      SessionToken: session.token ?? "",
      Expiration: new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, "Z"),
      ...answerOverride,
    };
    return [
      el("Credentials", [
        el("AccessKeyId", answer.AccessKeyId),
        el("SecretAccessKey", answer.SecretAccessKey),
        el("SessionToken", answer.SessionToken),
        el("Expiration", answer.Expiration),
      ]),
      el("AssumedRoleUser", [el("AssumedRoleId", session.userId), el("Arn", session.arn)]),
      el("PackedPolicySize", r.packedPolicySize?.toString()),
      el("SourceIdentity", r.sourceIdentity),
    ];
  }

  async function handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const requestId = randomUUID();
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q < 0 ? url : url.slice(0, q);
    const query = q < 0 ? "" : url.slice(q + 1);
    const params = parseParams(body.toString("utf8"), query);
    const action = params.get("Action") ?? "";
    counts.set(action, (counts.get(action) ?? 0) + 1);
    for (const listener of [...countListeners]) listener();
    const send = (status: number, xml: string, code: string) => {
      log(`sts-stand-in ${action || "-"} ${status} ${code}`);
      res.writeHead(status, {
        "Content-Type": "text/xml",
        "Content-Length": Buffer.byteLength(xml),
        "x-amzn-RequestId": requestId,
        Date: new Date(now()).toUTCString(),
      });
      res.end(xml);
    };
    try {
      const active = fault;
      if (
        active &&
        active.kind !== "refuse" &&
        (!active.actions || active.actions.some((a) => a === action))
      ) {
        if (active.times !== undefined && --active.times <= 0 && fault === active) fault = undefined;
        if (active.kind === "hang") await new Promise<void>((resume) => parked.push(resume));
        else throw FAULT_ERRORS[active.kind]();
      }
      if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));
      if (action !== "AssumeRole" && action !== "GetCallerIdentity") {
        throw new StsError(
          "InvalidAction",
          `Could not find operation ${action} for version ${STS_VERSION}`,
          400,
        );
      }
      const headers: [string, string][] = [];
      for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
        headers.push([req.rawHeaders[i] ?? "", req.rawHeaders[i + 1] ?? ""]);
      }
      const caller = await authenticate({ method: req.method ?? "GET", path, query, headers, body });
      const result =
        action === "AssumeRole"
          ? assumeRole(params, caller)
          : [el("Arn", caller.arn), el("UserId", caller.userId), el("Account", caller.account)];
      send(200, successXml(action, result, requestId), "OK");
    } catch (e) {
      const err =
        e instanceof StsError ? e : new StsError("InternalFailure", "An internal error has occurred", 500);
      send(err.status, errorXml(err, requestId), err.code);
    }
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => void handle(req, res, Buffer.concat(chunks)));
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  const stopListening = () =>
    new Promise<void>((resolve) => {
      parked = [];
      if (!server.listening) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    });

  await listen(options.port ?? 0);
  const port = (server.address() as AddressInfo).port;
  const hostPart = host.includes(":") ? `[${host}]` : host;

  return {
    endpoint: `http://${hostPart}:${port}`,
    accountId,
    base,
    async setFault(next) {
      const wasRefusing = fault?.kind === "refuse";
      fault = next ? { ...next } : undefined;
      const resume = parked;
      parked = [];
      for (const r of resume) r();
      if (next?.kind === "refuse" && !wasRefusing) await stopListening();
      if (next?.kind !== "refuse" && wasRefusing) await listen(port);
    },
    setLatencyMs(ms) {
      latencyMs = ms;
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
    issued: () => issuedCount,
    close: stopListening,
  };
}
