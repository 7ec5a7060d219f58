/**
 * Seeded hostile requests for the sidecar's HTTP face: methods, paths, Host and proxy headers, tokens,
 * bodies and malformed framing, each with the statuses the sidecar's rules (README, requestGuards.ts)
 * allow; and every method name Node's parser knows plus seeded made-up ones.
 */
import { METHODS as METHODS_NODE_KNOWS } from "node:http";
import { ROLES } from "./hostileSidecar.js";
import { seededRandom } from "./seededRandom.mjs";

export const SEED = 0x5eed_c0de;

export type Route = { kind: "role"; name: string } | { kind: "health" } | { kind: "none" };

interface PathCase {
  readonly path: string;
  readonly route: Route;
  /** Node's parser refuses the request line itself (raw non-ASCII bytes). */
  readonly parserStatus?: number;
  /** The router refuses it before any hook runs (bad percent-encoding, a parameter over 100 chars). */
  readonly routerStatus?: number;
}

const role = (name: string): Route => ({ kind: "role", name });
const NONE: Route = { kind: "none" };
export const PATHS: readonly PathCase[] = [
  { path: "/roles/reader", route: role("reader") },
  { path: "/roles/other", route: role("other") },
  { path: "/roles/nobody", route: role("nobody") },
  { path: "/roles/%72eader", route: role("reader") },
  { path: "/roles/reader?x=1&y=%0d%0a", route: role("reader") },
  { path: "/health", route: { kind: "health" } },
  { path: "/health?verbose", route: { kind: "health" } },
  { path: "/HEALTH", route: NONE },
  { path: "/", route: NONE },
  { path: "/roles", route: NONE },
  { path: "/roles/", route: role("") },
  { path: "/roles/reader/", route: NONE },
  { path: "//roles/reader", route: NONE },
  { path: "/roles/../health", route: NONE },
  { path: "/roles/./reader", route: NONE },
  { path: "/roles/..%2fhealth", route: role("../health") },
  { path: "/roles/%2e%2e", route: role("..") },
  { path: "/roles/reader%00", route: role("reader\u0000") },
  { path: "/roles/%0d%0aSet-Cookie:%20stolen=1", route: role("\r\nSet-Cookie: stolen=1") },
  { path: "/roles/%F0%9F%92%A9", route: role("\u{1f4a9}") },
  { path: "/roles/\u00fcn\u00efc\u00f8d\u00e9", route: NONE, parserStatus: 400 },
  { path: `/roles/${"a".repeat(10_000)}`, route: NONE, routerStatus: 414 },
  { path: `/${"x/".repeat(5000)}`, route: NONE },
  { path: "/roles/%", route: NONE, routerStatus: 400 },
  { path: "/roles/%zz", route: NONE, routerStatus: 400 },
  { path: "/etc/passwd", route: NONE },
  { path: "/latest/meta-data/iam/security-credentials/", route: NONE },
];

export const METHODS = [
  "GET",
  "GET",
  "GET",
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "DELETE",
  "OPTIONS",
  "PATCH",
  "TRACE",
];

export type HostCase = { readonly value: string | undefined; readonly loopback: boolean };
const hosts = (port: number): HostCase[] => [
  { value: `127.0.0.1:${port}`, loopback: true },
  { value: "127.0.0.1", loopback: true },
  { value: `localhost:${port}`, loopback: true },
  { value: "LOCALHOST", loopback: true },
  { value: `[::1]:${port}`, loopback: true },
  { value: "evil.example", loopback: false },
  { value: `evil.example:${port}`, loopback: false },
  { value: "127.0.0.1.nip.io", loopback: false },
  { value: "localhost.", loopback: false },
  { value: "127.0.0.2", loopback: false },
  { value: "[::ffff:127.0.0.1]", loopback: false },
  { value: "127.0.0.1@evil.example", loopback: false },
  { value: "", loopback: false },
];

export type TokenCase = {
  readonly label: string;
  readonly value: string | undefined;
  readonly valid: boolean;
};
export function tokens(random: () => number, token: string): TokenCase[] {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const randomToken = (length: number) =>
    Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join("");
  return [
    { label: "the token", value: token, valid: true },
    { label: "the token with spaces around", value: ` ${token} `, valid: true },
    { label: "no Authorization", value: undefined, valid: false },
    { label: "empty", value: "", valid: false },
    { label: "blank", value: "   ", valid: false },
    { label: "same length", value: randomToken(token.length), valid: false },
    {
      label: "one character off",
      value: `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`,
      valid: false,
    },
    { label: "a prefix", value: token.slice(0, 20), valid: false },
    { label: "token plus one", value: `${token}x`, valid: false },
    { label: "Bearer token", value: `Bearer ${token}`, valid: false },
    { label: "upper-cased", value: token.toUpperCase(), valid: false },
    { label: "one character", value: "x", valid: false },
    { label: "8 KB", value: randomToken(8000), valid: false },
    { label: "unicode", value: "\u0442\u043e\u043a\u0435\u043d-\u00fc\u00df-\u{1f511}", valid: false },
  ];
}

export interface Case {
  readonly title: string;
  readonly bytes: Buffer;
  /** Statuses the request may get; `undefined` in the list means "closed without an answer". */
  readonly expected: readonly (number | undefined)[];
  /** Only these may carry credentials: a correct token, a loopback Host, a real role, GET. */
  readonly authorisedFor?: string;
}

interface Framing {
  readonly label: string;
  /** Extra header lines (raw), and a body. */
  readonly headers: readonly string[];
  readonly body?: string;
  /** What the HTTP parser makes of it before any route: a status, or undefined to go on. */
  readonly parserStatus?: number;
  /** The proxy headers the sidecar refuses (403) even on a loopback Host. */
  readonly proxied?: boolean;
  readonly http10?: boolean;
  /** Adds this Host after the case's own (or as the only one): two Hosts are refused whatever both name. */
  readonly secondHost?: HostCase;
}

const FRAMINGS: readonly Framing[] = [
  { label: "plain", headers: [] },
  { label: "X-Forwarded-For", headers: ["X-Forwarded-For: 203.0.113.7"], proxied: true },
  { label: "empty X-Forwarded-For", headers: ["X-Forwarded-For: "], proxied: true },
  { label: "Forwarded", headers: ["Forwarded: for=203.0.113.7;host=127.0.0.1"], proxied: true },
  { label: "Via (every proxy adds it)", headers: ["Via: 1.1 squid"], proxied: true },
  { label: "X-Forwarded-Host", headers: ["X-Forwarded-Host: 127.0.0.1"], proxied: true },
  { label: "X-Real-IP", headers: ["X-Real-IP: 203.0.113.7"], proxied: true },
  { label: "body on GET", headers: ["Content-Length: 11"], body: "hello world" },
  { label: "chunked body", headers: ["Transfer-Encoding: chunked"], body: "5\r\nhello\r\n0\r\n\r\n" },
  {
    label: "smuggling: Content-Length and chunked",
    headers: ["Content-Length: 4", "Transfer-Encoding: chunked"],
    body: "0\r\n\r\n",
    parserStatus: 400,
  },
  {
    label: "two different Content-Lengths",
    headers: ["Content-Length: 1", "Content-Length: 2"],
    body: "ab",
    parserStatus: 400,
  },
  { label: "oversized header (20 KB)", headers: [`X-Pad: ${"p".repeat(20_000)}`], parserStatus: 431 },
  { label: "CR inside a header value", headers: ["X-Note: a\rX-Injected: yes"], parserStatus: 400 },
  { label: "bare LF inside a header value", headers: ["X-Note: a\nX-Injected: yes"], parserStatus: 400 },
  { label: "NUL inside a header value", headers: ["X-Note: a\u0000b"], parserStatus: 400 },
  { label: "space in a header name", headers: ["X Injected: yes"], parserStatus: 400 },
  { label: "obsolete line folding", headers: ["X-Note: a", " folded: yes"], parserStatus: 400 },
  { label: "HTTP/1.0", headers: [], http10: true },
  // Node keeps the first Host; a second one, whatever it names, is refused.
  {
    label: "a second, foreign Host",
    headers: ["Host: evil.example"],
    secondHost: { value: "evil.example", loopback: false },
  },
  {
    label: "a second, loopback Host",
    headers: ["Host: 127.0.0.1"],
    secondHost: { value: "127.0.0.1", loopback: true },
  },
];

/** Builds one request and what it must get, from the sidecar's rules (README, requestGuards.ts). */
export function buildCase(
  random: () => number,
  tokenCases: TokenCase[],
  sidecar: { readonly port: number; readonly token: string },
): Case {
  const { port, token } = sidecar;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  // Weighted towards well-formed requests, so the token and routing rules get exercised too.
  const hostCases = hosts(port);
  const method = pick(METHODS);
  const target = random() < 0.4 ? pick(PATHS.slice(0, 6)) : pick(PATHS);
  const host: HostCase =
    random() < 0.65
      ? pick(hostCases.filter((h) => h.loopback))
      : random() < 0.1
        ? { value: undefined, loopback: false }
        : pick(hostCases);
  const tokenCase = random() < 0.3 ? (tokenCases[0] as TokenCase) : pick(tokenCases);
  const framing = random() < 0.55 ? (FRAMINGS[0] as Framing) : pick(FRAMINGS);
  const duplicateAuthorization = tokenCase.value !== undefined && random() < 0.05;

  const lines = [`${method} ${target.path} HTTP/1.${framing.http10 ? 0 : 1}`];
  if (host.value !== undefined) lines.push(`Host: ${host.value}`);
  if (tokenCase.value !== undefined) lines.push(`Authorization: ${tokenCase.value}`);
  // Node keeps the first of duplicated Authorization headers; the second must not change the outcome.
  if (duplicateAuthorization) lines.push(`Authorization: ${tokenCase.valid ? "wrong-token-0000" : token}`);
  lines.push(...framing.headers, "Connection: close");
  const bytes = Buffer.from(`${lines.join("\r\n")}\r\n\r\n${framing.body ?? ""}`, "utf8");
  const title = `${method} ${target.path.slice(0, 40)} host=${JSON.stringify(host.value)} token=${tokenCase.label}${duplicateAuthorization ? " (twice)" : ""} ${framing.label}`;

  const headBytes = Buffer.byteLength(lines.join("\r\n"));
  const expected = expectedStatuses(method, target, host, tokenCase, framing, headBytes);
  const authorised = expected.length === 1 && expected[0] === 200 && target.route.kind === "role";
  return {
    title,
    bytes,
    expected,
    ...(authorised && target.route.kind === "role" ? { authorisedFor: target.route.name } : {}),
  };
}

function expectedStatuses(
  method: string,
  target: PathCase,
  host: HostCase,
  tokenCase: TokenCase,
  framing: Framing,
  headBytes: number,
): (number | undefined)[] {
  if (target.parserStatus !== undefined) return [target.parserStatus];
  // Node refuses a request line and headers over 16 KB; a malformed header may be met first.
  const oversized = headBytes > 16 * 1024;
  if (framing.parserStatus === 400) return oversized ? [400, 431] : [400];
  if (oversized || framing.parserStatus !== undefined) return [431];
  // HTTP/1.1 without Host is malformed (Node answers 400); HTTP/1.0 may omit it and meets the Host check.
  const hostLines = [host, framing.secondHost].filter((h) => h?.value !== undefined) as HostCase[];
  if (hostLines.length === 0 && !framing.http10) return [400];
  // Exactly one Host, a loopback one, and no proxy header; else 403 whatever else is wrong.
  if (hostLines.length !== 1 || !hostLines[0]?.loopback || framing.proxied) return [403];
  // Every method but GET is refused before the body is read or the path is looked at.
  if (method !== "GET") return [405];
  if (target.routerStatus !== undefined) return [target.routerStatus];
  const { route } = target;
  if (route.kind === "none") return [404];
  if (route.kind === "health") return [200];
  if (tokenCase.value === undefined || tokenCase.value.trim() === "") return [401];
  if (!tokenCase.valid) return [403];
  return ROLES.includes(route.name as (typeof ROLES)[number]) ? [200] : [404];
}

/** Every method Node's parser knows, and seeded made-up ones it does not. */
export function methodNames(): string[] {
  const random = seededRandom(SEED + 1);
  const madeUp = Array.from({ length: 40 }, () =>
    Array.from({ length: 2 + Math.floor(random() * 9) }, () =>
      String.fromCharCode(65 + Math.floor(random() * 26)),
    ).join(""),
  );
  return [...new Set([...METHODS_NODE_KNOWS, ...madeUp])].filter(
    (method) => method !== "GET" && method !== "CONNECT" && method !== "PRI",
  );
}
