/**
 * AssumeRole without the AWS SDK: signed here (sigV4.ts), sent with node:http(s), read with the SDK's
 * XML parser (stsWire.ts). Loading the SDK's STS client and credential chain, and its first call,
 * were most of the time from `register` to first credentials; this client does the one call the
 * sidecar makes, with the SDK's timeouts, clock-skew correction and error shapes (stsErrors.ts reads
 * both alike). Roles it cannot reach the SDK's way (stsEndpoint.ts) are handed to `fallback`.
 */
import type { IncomingMessage, RequestOptions } from "node:http";
import { VERSION } from "../platform/version.js";
import type { AssumeFunction } from "./assumeFunction.js";
import {
  type AssumeRoleAnswer,
  issuedCredentials,
  STS_CONNECTION_TIMEOUT_MS,
  STS_REQUEST_TIMEOUT_MS,
} from "./credentials.js";
import { trackSending } from "./requestsSent.js";
import { type SigningCredentials, signRequest } from "./sigV4.js";
import { retryOnceOnReusedSocketReset, stsAgent } from "./stsHttp.js";
import { assumeRoleForm, readAssumeRoleAnswer } from "./stsWire.js";
/** STS answers are a few KB; a body past this is not STS's. */
export const MAX_ANSWER_BYTES = 1 << 20;
/** The SDK's thresholds: an offset this large is a skewed clock; an answer this late is not sampled. */
const SKEW_MS = 240_000;
const STALE_ANSWER_MS = 900_000;

/** One HTTP exchange: status, headers that matter, body. Injected so the client is tested without sockets. */
export interface StsHttpAnswer {
  readonly status: number;
  readonly date: string | undefined;
  readonly age: string | undefined;
  readonly body: string;
}
export type SendStsRequest = (
  url: URL,
  headers: Record<string, string>,
  body: string,
) => Promise<StsHttpAnswer>;

export interface DirectStsOptions {
  readonly region: string | undefined;
  /** The base credentials (the execution role's, from the environment). */
  readonly baseCredentials: SigningCredentials;
  readonly endpointFor: (region: string | undefined) => URL | undefined;
  /** For roles this client does not reach itself: the SDK's assumer, loaded on first use. */
  readonly fallback: () => Promise<AssumeFunction>;
  readonly send?: SendStsRequest;
  readonly now?: () => number;
}

/**
 * The SDK's getUpdatedSystemClockOffset: STS's Date minus our clock when the answer came, unless a
 * cache answered (Age) or the answer took so long the difference says nothing.
 */
export function updatedClockOffset(
  answer: StsHttpAnswer,
  current: number,
  sentAtMs: number,
  nowMs: number,
): number {
  if (answer.age !== undefined || answer.date === undefined) return current;
  const serverMs = Date.parse(answer.date);
  if (Number.isNaN(serverMs) || nowMs - sentAtMs > STALE_ANSWER_MS) return current;
  return serverMs - nowMs;
}

export function createDirectStsAssumer(options: DirectStsOptions): AssumeFunction {
  const send = options.send ?? sendOverHttp;
  const now = options.now ?? Date.now;
  // Per role, as the SDK keeps one client (and so one clock offset) per role.
  const offsets = new Map<string, number>();
  let fallback: Promise<AssumeFunction> | undefined;
  const userAgent = `credentials-sidecar/${VERSION} lang/js md/nodejs#${process.versions.node}`;

  return async function assume(role, sessionName, source, generatedSourceIdentity) {
    const region = role.region ?? options.region;
    const url = region === undefined ? undefined : options.endpointFor(region);
    if (region === undefined || url === undefined) {
      fallback ??= options.fallback();
      return (await fallback)(role, sessionName, source, generatedSourceIdentity);
    }
    const credentials = source === undefined ? options.baseCredentials : await source();
    const p = role.parameters;
    const body = assumeRoleForm({
      ...p,
      RoleSessionName: sessionName,
      ...(generatedSourceIdentity !== undefined ? { SourceIdentity: generatedSourceIdentity } : {}),
    });
    const before = offsets.get(role.name) ?? 0;
    let sentAtMs = now();
    // Signed again for a retry: its time is part of the signature.
    const answer = await retryOnceOnReusedSocketReset(() => {
      sentAtMs = now();
      const headers = signRequest(
        {
          method: "POST",
          url,
          headers: { "content-type": "application/x-www-form-urlencoded", "user-agent": userAgent },
          body,
        },
        credentials,
        { region, service: "sts" },
        new Date(sentAtMs + before),
      );
      return send(url, headers, body);
    });
    const offset = updatedClockOffset(answer, offsets.get(role.name) ?? 0, sentAtMs, now());
    offsets.set(role.name, offset);
    let read: AssumeRoleAnswer;
    try {
      read = readAssumeRoleAnswer(answer.status, answer.body);
    } catch (error) {
      const meta = (error as { $metadata?: { clockSkewCorrected?: boolean } }).$metadata;
      // The SDK's errorHandler: a refusal that taught us STS's clock is far off is retried at once.
      if (meta !== undefined && Math.abs(offset) >= SKEW_MS && offset !== before)
        meta.clockSkewCorrected = true;
      throw error;
    }
    return issuedCredentials(read, p.RoleArn, sessionName, offset);
  };
}

/**
 * POST over node:http or node:https (stsHttp.ts's agents: keep-alive, proxies), with the SDK's
 * connection timeout and one deadline for the whole exchange: connect, send and the last byte of the
 * answer, so a peer trickling bytes cannot hold the call (an idle timeout would never fire).
 */
export async function sendOverHttp(
  url: URL,
  headers: Record<string, string>,
  body: string,
): Promise<StsHttpAnswer> {
  const https = url.protocol === "https:";
  // `.default`: the build hands built-ins over as require()'s object (extension/build.mjs).
  const transport = https ? (await import("node:https")).default : (await import("node:http")).default;
  const agent = await stsAgent(https ? "https:" : "http:");
  const options: RequestOptions = {
    method: "POST",
    hostname: url.hostname.replace(/^\[|\]$/g, ""),
    port: url.port === "" ? undefined : Number(url.port),
    path: url.pathname,
    headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
    agent,
  };
  return new Promise<StsHttpAnswer>((resolve, reject) => {
    // Named as the SDK's own socket errors, with no HTTP status: nothing was answered.
    const fail = (name: string, message: string) =>
      request.destroy(Object.assign(new Error(message), { name }));
    const deadline = setTimeout(
      () =>
        fail(
          "TimeoutError",
          `STS did not answer within ${STS_REQUEST_TIMEOUT_MS} ms (connection, request and whole answer)`,
        ),
      STS_REQUEST_TIMEOUT_MS,
    );
    const settle =
      <T>(then: (value: T) => void) =>
      (value: T) => {
        clearTimeout(deadline);
        then(value);
      };
    const request = transport.request(options, (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES)
          return fail("StsError", `STS's answer is larger than ${MAX_ANSWER_BYTES} bytes`);
        chunks.push(chunk);
      });
      response.on("error", settle(reject));
      response.on("end", () => {
        const header = (name: string) => {
          const value = response.headers[name];
          return Array.isArray(value) ? value[0] : value;
        };
        settle(resolve)({
          status: response.statusCode ?? 0,
          date: header("date"),
          age: header("age"),
          body: Buffer.concat(chunks).toString("utf8"),
        });
      });
    });
    request.on("error", settle(reject));
    // Sent: the request's last byte is with the operating system ("finish"), or it ended otherwise.
    const sent = trackSending();
    request.once("finish", sent);
    request.once("close", sent);
    request.on("socket", (socket) => {
      if (!socket.connecting) return;
      const timer = setTimeout(
        () =>
          fail(
            "TimeoutError",
            `Socket timed out without establishing a connection within ${STS_CONNECTION_TIMEOUT_MS} ms`,
          ),
        STS_CONNECTION_TIMEOUT_MS,
      );
      socket.once("connect", () => clearTimeout(timer));
      socket.once("close", () => clearTimeout(timer));
    });
    request.end(body);
  });
}
