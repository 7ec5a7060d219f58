import { ENV, readEnv } from "./env.js";
import { secureRandomBytes } from "./random.js";

export type TokenChoice = { ok: true; token: string; adopted: boolean } | { ok: false; problem: string };

const MIN_TOKEN_LENGTH = 16;

/**
 * The token SDKs must present. A user who set AWS_CONTAINER_AUTHORIZATION_TOKEN on the function
 * (the no-wrapper set-up) shares that value with us, since extensions see the function's
 * environment; it is adopted when AWS_CONTAINER_CREDENTIALS_FULL_URI is unset or points here.
 * Otherwise (or when it belongs to Lambda's own SnapStart endpoint) a fresh random one is made.
 */
export function chooseToken(env: NodeJS.ProcessEnv, pointsAtSidecar: boolean): TokenChoice {
  const given = readEnv(env, ENV.containerAuthorizationToken);
  const fullUri = readEnv(env, ENV.containerCredentialsFullUri);
  if (given !== undefined && (fullUri === undefined || pointsAtSidecar)) {
    if (given.length < MIN_TOKEN_LENGTH || /[\r\n]/.test(given)) {
      return {
        ok: false,
        problem: `${ENV.containerAuthorizationToken} must be at least ${MIN_TOKEN_LENGTH} characters with no line breaks`,
      };
    }
    return { ok: true, token: given, adopted: true };
  }
  return { ok: true, token: secureRandomBytes(32).toString("base64url"), adopted: false };
}
