/**
 * The agents of the STS calls node:http makes (the direct client's through a proxy:
 * agentStsExchange.ts; the SDK's client through its node-http-handler): keep-alive agents that
 * - notice when a reused socket was reset before any answer (a NAT's idle timeout, a sandbox thawed
 *   after a long freeze), so the call is retried at once on a fresh connection
 *   (retryOnceOnReusedSocketReset), as the SDK's standard retry would;
 * - go through HTTPS_PROXY / HTTP_PROXY, minus NO_PROXY (each also lower case, which wins, as in
 *   curl), with node's own proxy support (`proxyEnv`, node 24.5 and later), set only when a proxy
 *   variable is: nothing more is loaded.
 */
import type { Agent, ClientRequest } from "node:http";
import type { Socket } from "node:net";
import { ENV } from "../startup/env.js";
import { MAX_CONNECTIONS_PER_ENDPOINT } from "./stsExchange.js";

const PROXY_VARIABLES = [ENV.httpsProxy, ENV.httpsProxyLower, ENV.httpProxy, ENV.httpProxyLower] as const;
/** What a peer's reset of an idle kept-alive socket looks like to the next request on it. */
const RESET_CODES = new Set(["ECONNRESET", "EPIPE"]);
const REUSED_SOCKET_RESET = Symbol("reusedSocketReset");
/** The code of the error for proxy variables on a node that cannot honour them (stsErrors.ts: misconfigured). */
export const PROXY_UNSUPPORTED = "ERR_PROXY_UNSUPPORTED";

/** A peer's reset, as the next request on a kept-alive connection it dropped meets it. */
export function isResetCode(code: string | undefined): boolean {
  return RESET_CODES.has(code ?? "");
}

/** Marks `error` as that of a request on a reused connection that the peer reset before answering. */
export function markReusedSocketReset<E extends object>(error: E): E {
  Object.defineProperty(error, REUSED_SOCKET_RESET, { value: true });
  return error;
}

/** An error of a request sent on a reused socket that the peer reset before answering. */
export function isReusedSocketReset(error: unknown): boolean {
  return typeof error === "object" && error !== null && REUSED_SOCKET_RESET in error;
}

/**
 * Runs `attempt`, and once more at once if it failed on a reused socket reset before any answer
 * (the agent has by then dropped its other idle sockets, so the retry opens a fresh connection).
 */
export async function retryOnceOnReusedSocketReset<T>(attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    if (!isReusedSocketReset(error)) throw error;
    return attempt();
  }
}

/** Whether any proxy variable is set (an empty one is unset, as for curl). */
export function proxyConfigured(env: NodeJS.ProcessEnv): boolean {
  return PROXY_VARIABLES.some((name) => (env[name] ?? "") !== "");
}

type AgentClass = new (options: object) => Agent;

/** `Base` with the reset bookkeeping: Node calls reuseSocket when a kept-alive socket takes a request. */
function resetNoticing(Base: AgentClass): AgentClass {
  return class ResetNoticingAgent extends Base {
    override reuseSocket(socket: Socket, request: ClientRequest): void {
      (Base.prototype as unknown as { reuseSocket(s: Socket, r: ClientRequest): void }).reuseSocket.call(
        this,
        socket,
        request,
      );
      let answered = false;
      request.once("response", () => {
        answered = true;
      });
      // Added as the request is made, so before its sender's own error listener: the mark is on the
      // error by the time the sender sees it.
      request.once("error", (error: NodeJS.ErrnoException) => {
        if (answered || !isResetCode(error.code)) return;
        markReusedSocketReset(error);
        // The peer (or a NAT between) dropped idle connections: the others are as stale.
        for (const sockets of Object.values((this as unknown as Agent).freeSockets))
          for (const idle of sockets ?? []) idle.destroy();
      });
    }
  };
}

const agents = new Map<string, Promise<Agent>>();

/** The one agent per protocol, shared by both clients. */
export function stsAgent(protocol: "http:" | "https:", env: NodeJS.ProcessEnv = process.env): Promise<Agent> {
  let agent = agents.get(protocol);
  if (agent === undefined) {
    agent = (async () => {
      // `.default`: the build hands built-ins over as require()'s object (extension/build.mjs).
      const transport =
        protocol === "https:" ? (await import("node:https")).default : (await import("node:http")).default;
      const Agent = resetNoticing(transport.Agent as unknown as AgentClass);
      const options = { keepAlive: true, maxSockets: MAX_CONNECTIONS_PER_ENDPOINT };
      if (!proxyConfigured(env)) return new Agent(options);
      const agent = new Agent({ ...options, proxyEnv: { ...env } });
      // An older node ignores `proxyEnv`: refused rather than going around the proxy.
      if (!Object.getOwnPropertySymbols(agent).some((symbol) => symbol.description === "kProxyConfig")) {
        throw Object.assign(
          new Error(
            `a proxy variable (${PROXY_VARIABLES.filter((name) => env[name]).join(", ")}) is set, but node ${process.version} has no proxy support (node 24.5 and later; the layer's node has it)`,
          ),
          { code: PROXY_UNSUPPORTED },
        );
      }
      return agent;
    })();
    agents.set(protocol, agent);
  }
  return agent;
}
