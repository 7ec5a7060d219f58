/**
 * AssumeRole without the AWS SDK: signed here (sigV4.ts), sent by hand (plainStsExchange.ts) or,
 * through a proxy, with node:http(s) (agentStsExchange.ts), read with the SDK's XML parser (stsWire.ts). Loading the SDK's STS client and credential chain, and its first call,
 * were most of the time from `register` to first credentials; this client does the one call the
 * sidecar makes, with the SDK's timeouts, clock-skew correction and error shapes (stsErrors.ts reads
 * both alike). Roles it cannot reach the SDK's way (stsEndpoint.ts) are handed to `fallback`.
 */
import { VERSION } from "../platform/version.js";
import { sendOverHttp } from "./agentStsExchange.js";
import type { AssumeFunction } from "./assumeFunction.js";
import { type AssumeRoleAnswer, issuedCredentials } from "./credentials.js";
import { sendPlain } from "./plainStsExchange.js";
import { type SigningCredentials, signRequest } from "./sigV4.js";
import type { SendStsRequest, StsHttpAnswer } from "./stsExchange.js";
import { proxyConfigured, retryOnceOnReusedSocketReset } from "./stsHttp.js";
import { assumeRoleForm, readAssumeRoleAnswer } from "./stsWire.js";

/** The SDK's thresholds: an offset this large is a skewed clock; an answer this late is not sampled. */
const SKEW_MS = 240_000;
const STALE_ANSWER_MS = 900_000;

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

/** By hand, unless a proxy variable is set: node's agents go through proxies (stsHttp.ts). */
export function stsSender(env: NodeJS.ProcessEnv): SendStsRequest {
  return proxyConfigured(env) ? sendOverHttp : sendPlain;
}

export function createDirectStsAssumer(options: DirectStsOptions): AssumeFunction {
  const send = options.send ?? stsSender(process.env);
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
