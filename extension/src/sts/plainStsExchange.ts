/**
 * STS exchanges written and read by hand (platform/http1.ts) on node:net or node:tls connections of
 * this module's own, kept alive between calls. Node's HTTP client costs a few milliseconds of CPU at
 * its first request (its request, agent and parser code run for the first time), and the first
 * AssumeRole is on the way to first credentials at every cold start (bench/RESULTS.md, "What was
 * tried"). Calls through a proxy go through node's agents instead (agentStsExchange.ts).
 *
 * What node's keep-alive agent does for these calls, this does too: the certificate checked against
 * the host name (node:tls's defaults, NODE_EXTRA_CA_CERTS included; the connection is made to the
 * name's address, found as node finds it, without node's costly IP-address test of the name: see
 * connect()), the name sent in the TLS hello, TLS sessions resumed, idle connections kept
 * (unreferenced, with TCP keep-alive) and dropped when the peer closes them, at most
 * MAX_CONNECTIONS_PER_ENDPOINT at once (as node's agents), and a reused connection reset before any
 * answer marked for the one retry at once (stsHttp.ts's retryOnceOnReusedSocketReset).
 */
import type { Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import { msSinceStart } from "../platform/clock.js";
import { firstIpv4Address, isDnsName } from "../platform/hostAddress.js";
import { type Http1Response, headerLine, readResponse } from "../platform/http1.js";
import { STS_CONNECTION_TIMEOUT_MS, STS_REQUEST_TIMEOUT_MS } from "./credentials.js";
import { trackSending } from "./requestsSent.js";
import { checkServerName } from "./serverName.js";
import {
  answerTooLargeError,
  connectTimeoutError,
  deadlineError,
  exchangeError,
  hostOf,
  MAX_ANSWER_BYTES,
  MAX_CONNECTIONS_PER_ENDPOINT,
  type StsHttpAnswer,
} from "./stsExchange.js";
import { isResetCode, markReusedSocketReset } from "./stsHttp.js";

/** Idle connections kept per endpoint: a burst of refreshes reuses them. */
const MAX_IDLE = 16;
/** node's agents' TCP keep-alive delay for idle sockets. */
const KEEP_ALIVE_MS = 1000;

interface Endpoint {
  readonly key: string;
  readonly tls: boolean;
  readonly host: string;
  readonly port: number;
}

interface EndpointState {
  readonly idle: Socket[];
  active: number;
  readonly waiting: (() => void)[];
  session?: Buffer;
  /** The name's IPv4 address did not answer once: connected to by name since, as node connects. */
  byName?: boolean;
}

const endpoints = new Map<string, EndpointState>();
/** Removes the listeners an idle connection has while it waits in its endpoint's list. */
const unpark = new WeakMap<Socket, () => void>();
/** Connections made to a name's address that have not connected (yet). */
const unreachedAddress = new WeakSet<Socket>();

/** A name's IPv4 address (platform/hostAddress.ts), or undefined to connect by name. */
export type AddressLookup = (host: string) => Promise<string | undefined>;

function stateOf(endpoint: Endpoint): EndpointState {
  let state = endpoints.get(endpoint.key);
  if (state === undefined) {
    state = { idle: [], active: 0, waiting: [] };
    endpoints.set(endpoint.key, state);
  }
  return state;
}

function endpointOf(url: URL): Endpoint {
  const tls = url.protocol === "https:";
  const host = hostOf(url);
  const port = url.port === "" ? (tls ? 443 : 80) : Number(url.port);
  return { key: `${url.protocol}//${url.host}`, tls, host, port };
}

/** POSTs `body` to `url` (http or https) with `headers` (lower-case names, as the signer gives them). */
export async function sendPlain(
  url: URL,
  headers: Record<string, string>,
  body: string,
  lookupAddress: AddressLookup = firstIpv4Address,
): Promise<StsHttpAnswer> {
  const endpoint = endpointOf(url);
  const lines = [`POST ${url.pathname}${url.search} HTTP/1.1`];
  for (const [name, value] of Object.entries({ host: url.host, ...headers }))
    lines.push(headerLine(name, value));
  lines.push(headerLine("content-length", String(Buffer.byteLength(body))));
  // HTTP/1.1's default, said as node's keep-alive agents say it (some peers pass the header on).
  lines.push("connection: keep-alive");
  const request = `${lines.join("\r\n")}\r\n\r\n${body}`;

  const state = stateOf(endpoint);
  // A call that ends hands its place to the first waiting one, so none can slip in between.
  if (state.active < MAX_CONNECTIONS_PER_ENDPOINT) state.active++;
  else await new Promise<void>((resolve) => state.waiting.push(resolve));
  try {
    const idle = takeIdle(state);
    const startedAt = msSinceStart();
    // Counted from here: a host name is resolved before the connection is made (connect()).
    const sent = trackSending();
    let socket: Socket;
    try {
      socket = idle ?? (await connect(endpoint, state, startedAt, lookupAddress));
    } catch (error) {
      sent();
      throw error;
    }
    let response: Http1Response;
    try {
      response = await converse(socket, idle !== undefined, request, sent, startedAt);
    } catch (error) {
      if (!unreachedAddress.has(socket)) throw error;
      // The name's IPv4 address did not answer (an IPv6-only network, a peer on ::1 alone): by name
      // from now on, as node connects (every address the name has, both families), with its own time.
      state.byName = true;
      const retriedAt = msSinceStart();
      socket = await connect(endpoint, state, retriedAt, lookupAddress);
      response = await converse(socket, false, request, () => {}, retriedAt);
    }
    const reusable = response.keepAlive && !socket.destroyed;
    if (reusable && state.idle.length < MAX_IDLE) park(state, socket);
    else socket.destroy();
    return {
      status: response.status,
      date: response.headers.date,
      age: response.headers.age,
      body: response.body.toString("utf8"),
    };
  } finally {
    const next = state.waiting.shift();
    if (next === undefined) state.active--;
    else next();
  }
}

async function connect(
  endpoint: Endpoint,
  state: EndpointState,
  startedAt: number,
  lookupAddress: AddressLookup,
): Promise<Socket> {
  // A name is connected to by its address (platform/hostAddress.ts: node's IP-address test, which
  // node:net and node:dns make of a name first, costs milliseconds the first time); by name, as node
  // does, where it has no IPv4 address or the lookup is unavailable (node then says why it failed).
  // The lookup runs on libuv's threads while node:tls loads and the CA store is read.
  const lookup = isDnsName(endpoint.host) && !state.byName ? lookupAddress(endpoint.host) : undefined;
  const addressFound = async () => {
    if (lookup === undefined) return undefined;
    const address = await withinConnectTimeout(lookup, startedAt);
    // No IPv4 address (or no binding): by name from now on, without asking again at every call.
    if (address === undefined) state.byName = true;
    return address;
  };
  // `.default`: the build hands built-ins over as require()'s object (extension/build.mjs).
  if (!endpoint.tls) {
    const net = (await import("node:net")).default;
    const address = await addressFound();
    return byAddress(address, net.connect({ host: address ?? endpoint.host, port: endpoint.port }));
  }
  const [tls, net] = await Promise.all([import("node:tls"), import("node:net")]);
  // What tls.connect would make from these options (none of them TLS settings): node's CAs and
  // NODE_EXTRA_CA_CERTS.
  const secureContext = tls.default.createSecureContext();
  const address = await addressFound();
  const resumed = state.session === undefined ? {} : { session: state.session };
  let socket: Socket;
  if (address === undefined || !canSetServername(tls.default.TLSSocket)) {
    socket = tls.default.connect({
      host: endpoint.host,
      port: endpoint.port,
      secureContext,
      // SNI and the certificate's name: the host, unless it is an address (as node's https agent).
      ...(net.default.isIP(endpoint.host) === 0 ? { servername: endpoint.host } : {}),
      ...resumed,
    });
  } else {
    const tlsSocket = tls.default.connect({
      host: address,
      port: endpoint.port,
      secureContext,
      // The certificate is checked against the name, not the address connected to.
      checkServerIdentity: (_address, certificate) =>
        checkServerName(endpoint.host, certificate, tls.default.checkServerIdentity),
      ...resumed,
    });
    // SNI: where node sets `servername` too, once the connection is started and before its handshake.
    (tlsSocket as TLSSocket & ServernameSetter).setServername(endpoint.host);
    socket = byAddress(address, tlsSocket);
  }
  socket.on("session", (session: Buffer) => {
    state.session = session;
  });
  return socket;
}

/** Marks a connection made to an address until it connects (sendPlain then retries by name). */
function byAddress(address: string | undefined, socket: Socket): Socket {
  if (address === undefined) return socket;
  unreachedAddress.add(socket);
  socket.once("connect", () => unreachedAddress.delete(socket));
  return socket;
}

interface ServernameSetter {
  setServername(name: string): void;
}

/** TLSSocket's `setServername` (what tls.connect calls for `servername`), where this node has it. */
function canSetServername(socketClass: typeof TLSSocket): boolean {
  return typeof (socketClass.prototype as Partial<ServernameSetter>).setServername === "function";
}

/** The name's lookup within the connection's time, as node's lookup counts in it. */
async function withinConnectTimeout(
  lookup: Promise<string | undefined>,
  startedAt: number,
): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(connectTimeoutError()),
      remainingMs(STS_CONNECTION_TIMEOUT_MS, startedAt),
    );
  });
  try {
    return await Promise.race([lookup, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

function remainingMs(budgetMs: number, startedAt: number): number {
  return Math.max(0, budgetMs - (msSinceStart() - startedAt));
}

function takeIdle(state: EndpointState): Socket | undefined {
  for (let socket = state.idle.pop(); socket !== undefined; socket = state.idle.pop()) {
    unpark.get(socket)?.();
    if (!socket.destroyed && socket.writable) {
      socket.ref();
      return socket;
    }
    socket.destroy();
  }
  return undefined;
}

/** Keeps `socket` for the next call; anything it does while idle (data, end, error) drops it. */
function park(state: EndpointState, socket: Socket): void {
  const drop = () => {
    unpark.get(socket)?.();
    const at = state.idle.indexOf(socket);
    if (at >= 0) state.idle.splice(at, 1);
    socket.destroy();
  };
  const events = ["data", "end", "error", "close", "timeout"] as const;
  for (const event of events) socket.on(event, drop);
  unpark.set(socket, () => {
    for (const event of events) socket.off(event, drop);
    unpark.delete(socket);
  });
  socket.setKeepAlive(true, KEEP_ALIVE_MS);
  socket.unref();
  state.idle.push(socket);
}

/**
 * Writes `request` on `socket` and reads one response, within the SDK's connection timeout and one
 * deadline for the whole exchange (connect, send, the answer's last byte: a peer trickling bytes
 * cannot hold the call). `reused`: the connection carried a call before, so a reset or close before
 * any answer is the peer having dropped it while idle.
 */
function converse(
  socket: Socket,
  reused: boolean,
  request: string,
  sent: () => void,
  startedAt: number,
): Promise<Http1Response> {
  return new Promise((resolve, reject) => {
    let bytes: Buffer = Buffer.alloc(0);
    let settled = false;
    const deadline = setTimeout(() => fail(deadlineError()), remainingMs(STS_REQUEST_TIMEOUT_MS, startedAt));
    const connecting = socket.connecting
      ? setTimeout(() => fail(connectTimeoutError()), remainingMs(STS_CONNECTION_TIMEOUT_MS, startedAt))
      : undefined;
    const onConnect = () => clearTimeout(connecting);
    const done = () => {
      settled = true;
      clearTimeout(deadline);
      clearTimeout(connecting);
      socket.off("connect", onConnect);
      socket.off("data", onData);
      socket.off("end", onEnd);
      socket.off("close", onClose);
      socket.off("error", onError);
      sent();
    };
    function fail(error: Error): void {
      if (settled) return;
      done();
      socket.destroy();
      reject(error);
    }
    /** Before any byte of an answer, a reset or close of a reused connection is retried once. */
    const dropped = (error: NodeJS.ErrnoException) =>
      reused && bytes.length === 0 && isResetCode(error.code) ? markReusedSocketReset(error) : error;
    function settleIfComplete(ended: boolean): void {
      let response: Http1Response | undefined;
      try {
        response = readResponse(bytes, ended);
      } catch (error) {
        fail(
          exchangeError("StsError", `STS's answer is not HTTP/1.1 as expected: ${(error as Error).message}`),
        );
        return;
      }
      if (response === undefined) {
        if (ended) fail(dropped(closedEarly()));
        return;
      }
      done();
      // Bytes past the response, or a peer that closed: the connection is not reused.
      if (response.length !== bytes.length || ended) socket.destroy();
      resolve(response);
    }
    function onData(chunk: Buffer): void {
      if (bytes.length + chunk.length > MAX_ANSWER_BYTES) {
        fail(answerTooLargeError());
        return;
      }
      bytes = bytes.length === 0 ? chunk : Buffer.concat([bytes, chunk]);
      settleIfComplete(false);
    }
    const onEnd = () => settleIfComplete(true);
    const onClose = () => fail(dropped(closedEarly()));
    const onError = (error: NodeJS.ErrnoException) => fail(dropped(error));
    socket.once("connect", onConnect);
    socket.on("data", onData);
    socket.on("end", onEnd);
    socket.on("close", onClose);
    socket.on("error", onError);
    // Sent once the whole request is with the operating system.
    socket.write(request, () => sent());
  });
}

/** As node's client reports it ("socket hang up"): a network failure, retried by the backoff. */
function closedEarly(): NodeJS.ErrnoException {
  return Object.assign(new Error("STS closed the connection before a complete answer"), {
    code: "ECONNRESET",
  });
}
