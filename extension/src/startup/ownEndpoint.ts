import { ENV, readEnv } from "./env.js";

/** True when a container-credentials URL is this sidecar's own (loopback host, our port). */
export function isSidecarUrl(url: string | undefined, port: number): boolean {
  if (url === undefined) return false;
  try {
    const parsed = new URL(url);
    const host = parsed.hostname.toLowerCase();
    const loopback = host === "127.0.0.1" || host === "localhost" || host === "[::1]" || host === "::1";
    const urlPort = parsed.port === "" ? (parsed.protocol === "https:" ? 443 : 80) : Number(parsed.port);
    return loopback && urlPort === port;
  } catch {
    return false;
  }
}

/**
 * The base chain must never resolve to the sidecar itself: when the function's environment points
 * the SDKs at us, remove that pointer from this process before the chain reads it. Under SnapStart
 * the URL is Lambda's own endpoint and stays, as the execution role's source.
 */
export function detachFromOwnEndpoint(env: NodeJS.ProcessEnv, port: number): boolean {
  if (!isSidecarUrl(readEnv(env, ENV.containerCredentialsFullUri), port)) return false;
  delete env[ENV.containerCredentialsFullUri];
  delete env[ENV.containerAuthorizationToken];
  delete env[ENV.containerAuthorizationTokenFile];
  return true;
}
