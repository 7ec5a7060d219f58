import { secureRandomBytes } from "../platform/random.js";
import { ENV, readEnv } from "./env.js";

export type TokenChoice = { ok: true; token: string; adopted: boolean } | { ok: false; problem: string };

const MIN_TOKEN_LENGTH = 16;

/**
 * The token SDKs must present. A user who set AWS_CONTAINER_AUTHORIZATION_TOKEN on the function
 * (the no-wrapper set-up) shares that value with us, since extensions see the function's
 * environment; it is adopted when AWS_CONTAINER_CREDENTIALS_FULL_URI is unset or points here.
 * Otherwise (or when it belongs to Lambda's own SnapStart endpoint) a fresh random one is made.
 */
export function chooseToken(
  env: NodeJS.ProcessEnv,
  pointsAtSidecar: boolean,
  newToken: () => string = generateToken,
): TokenChoice {
  const given = env[ENV.containerAuthorizationToken];
  const fullUri = readEnv(env, ENV.containerCredentialsFullUri);
  if (given !== undefined && (fullUri === undefined || pointsAtSidecar)) {
    const problem = whyNeverMatches(given);
    if (problem !== undefined) {
      // The variable's name, never its value: it is a secret, even a broken one.
      return { ok: false, problem: `${ENV.containerAuthorizationToken} ${problem}` };
    }
    return { ok: true, token: given, adopted: true };
  }
  return { ok: true, token: newToken(), adopted: false };
}

/** 32 random bytes, URL-safe: printable ASCII, as every SDK can send it. */
export function generateToken(): string {
  return secureRandomBytes(32).toString("base64url");
}

/**
 * Why an SDK could never present this value as it is: HTTP strips spaces and tabs around a header
 * value, refuses control characters in it (botocore, Go, Rust and .NET refuse CR/LF outright), and
 * SDKs send non-ASCII text in encodings that differ. A bad token is refused at start, where it is
 * clear, rather than answered 403 on every request.
 */
export function whyNeverMatches(token: string): string | undefined {
  if (token.trim() === "") return "is set but empty; unset it, or set a token of at least 16 characters";
  if (/^[ \t]|[ \t]$/.test(token)) {
    return "has spaces or tabs at its start or end, which HTTP strips from the header: remove them";
  }
  if (!/^[\x20-\x7e]*$/.test(token)) {
    return "holds control characters, line breaks or non-ASCII characters, which no SDK can send as they are: use printable ASCII";
  }
  if (token.length < MIN_TOKEN_LENGTH) return `must be at least ${MIN_TOKEN_LENGTH} characters`;
  return undefined;
}
