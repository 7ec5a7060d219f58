/**
 * STS exchanges through node:http(s) and stsHttp.ts's agents: the way for calls that go through a
 * proxy (node's agents tunnel them), where plainStsExchange.ts sends the others by hand.
 */
import type { IncomingMessage, RequestOptions } from "node:http";
import { STS_CONNECTION_TIMEOUT_MS, STS_REQUEST_TIMEOUT_MS } from "./credentials.js";
import { trackSending } from "./requestsSent.js";
import {
  answerTooLargeError,
  connectTimeoutError,
  deadlineError,
  hostOf,
  MAX_ANSWER_BYTES,
  type StsHttpAnswer,
} from "./stsExchange.js";
import { stsAgent } from "./stsHttp.js";

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
    hostname: hostOf(url),
    port: url.port === "" ? undefined : Number(url.port),
    path: url.pathname,
    headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
    agent,
  };
  return new Promise<StsHttpAnswer>((resolve, reject) => {
    const fail = (error: Error) => request.destroy(error);
    const deadline = setTimeout(() => fail(deadlineError()), STS_REQUEST_TIMEOUT_MS);
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
        if (size > MAX_ANSWER_BYTES) return fail(answerTooLargeError());
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
      const timer = setTimeout(() => fail(connectTimeoutError()), STS_CONNECTION_TIMEOUT_MS);
      socket.once("connect", () => clearTimeout(timer));
      socket.once("close", () => clearTimeout(timer));
    });
    request.end(body);
  });
}
