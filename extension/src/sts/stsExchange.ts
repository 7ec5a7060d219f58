/**
 * One HTTP exchange with STS, as the direct client (directStsAssumer.ts) sends it: what both ways of
 * sending share: plainStsExchange.ts by hand, agentStsExchange.ts through node:http's agents.
 */
import { STS_CONNECTION_TIMEOUT_MS, STS_REQUEST_TIMEOUT_MS } from "./credentials.js";

/** STS answers are a few KB; a body past this is not STS's. */
export const MAX_ANSWER_BYTES = 1 << 20;
/** Connections to one STS endpoint at once, by either way of sending (node's agents: maxSockets). */
export const MAX_CONNECTIONS_PER_ENDPOINT = 50;

/** The host to connect to: an IPv6 address without the brackets the URL writes it in. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, "");
}

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

/**
 * An error named as the SDK names its own socket errors (stsErrors.ts sorts them by name), with no
 * HTTP status: nothing was answered.
 */
export function exchangeError(name: "TimeoutError" | "StsError", message: string): Error {
  return Object.assign(new Error(message), { name });
}

export const deadlineError = () =>
  exchangeError(
    "TimeoutError",
    `STS did not answer within ${STS_REQUEST_TIMEOUT_MS} ms (connection, request and whole answer)`,
  );
export const connectTimeoutError = () =>
  exchangeError(
    "TimeoutError",
    `Socket timed out without establishing a connection within ${STS_CONNECTION_TIMEOUT_MS} ms`,
  );
export const answerTooLargeError = () =>
  exchangeError("StsError", `STS's answer is larger than ${MAX_ANSWER_BYTES} bytes`);
