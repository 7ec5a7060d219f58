/**
 * The bundled extension's HTTP face under hostile input, over real sockets (node:net, byte for byte):
 * ~300 seeded random requests (methods, paths, Host and proxy headers, tokens, bodies, malformed
 * framing), slow and idle clients, and wrong tokens of every shape. Whatever comes in, the process
 * survives, answers with the right status, and nothing but a correctly authorised 200 carries
 * credential material.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { METHODS as METHODS_NODE_KNOWS } from "node:http";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extractLayer, layerEntries } from "../../../layer/test/support/layer.js";
import { type StsStandIn, startStsStandIn } from "../../devkit/stsStandIn/stsStandIn.js";
import {
  checkToken,
  isLoopbackAuthority,
  MAX_REQUEST_HEADERS,
  tokenDigest,
} from "../../src/http/requestGuards.js";
import { FOREIGN_AUTHORITIES, loopbackAuthorities, mutatedAuthorities } from "../support/authorities.js";
import { type ExtensionProcess, startExtension } from "../support/extensionProcess.js";
import { seededRandom } from "../support/seededRandom.mjs";

const SEED = 0x5eed_c0de;
const GENERATED_CASES = 300;
const ROLES = ["reader", "other"] as const;

let sts: StsStandIn;
let sidecar: ExtensionProcess;
let token: string;
/** Every credential string the sidecar serves: none may appear where it is not due. */
let secrets: string[];

let configPath: string;

/** The bundle in standalone mode (no Runtime API): the same server, without a lifecycle to drive. */
function startStandalone(command?: readonly string[]): Promise<ExtensionProcess> {
  return startExtension({
    ...(command === undefined ? {} : { command }),
    env: {
      AWS_REGION: "eu-west-1",
      AWS_ACCESS_KEY_ID: sts.base.accessKeyId,
      AWS_SECRET_ACCESS_KEY: sts.base.secretAccessKey,
      AWS_ENDPOINT_URL_STS: sts.endpoint,
      CREDENTIALS_SIDECAR_CONFIG: configPath,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    },
  });
}

beforeAll(async () => {
  sts = await startStsStandIn();
  configPath = join(mkdtempSync(join(tmpdir(), "hostile-config-")), "credentials-sidecar.yaml");
  writeFileSync(
    configPath,
    `roles:\n${ROLES.map((r) => `  ${r}:\n    RoleArn: arn:aws:iam::${sts.accountId}:role/${r}\n`).join("")}`,
  );
  sidecar = await startStandalone();
  await sidecar.waitForLog((line) => line.event === "standalone");
  token = readFileSync(join(sidecar.runtimeDir, "token"), "utf8");
  secrets = [token];
  for (const role of ROLES) {
    await sidecar.waitForLog((line) => line.event === "assumed" && line.role === role);
    const served = (await (
      await fetch(`http://127.0.0.1:${sidecar.port}/roles/${role}`, { headers: { authorization: token } })
    ).json()) as Record<string, string>;
    for (const key of ["AccessKeyId", "SecretAccessKey", "Token"]) secrets.push(served[key] ?? "");
  }
  expect(secrets.every((s) => s.length >= 16)).toBe(true);
});

afterAll(async () => {
  sidecar?.kill();
  await sts?.close();
});

// ---- raw HTTP over node:net ---------------------------------------------------------------------

interface RawResponse {
  /** undefined when the server closed without answering */
  readonly status: number | undefined;
  readonly headers: ReadonlyMap<string, string[]>;
  readonly body: string;
  readonly raw: string;
}

/** Sends bytes as they are and reads one response (or the close), whatever the framing. */
function rawRequest(request: Buffer | string, timeoutMs = 3000, port = sidecar.port): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    let received = Buffer.alloc(0);
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(parseResponse(received.toString("latin1")));
    };
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(
          `no complete response within ${timeoutMs} ms: ${received.toString("latin1").slice(0, 200)}`,
        ),
      );
    }, timeoutMs);
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (isComplete(received.toString("latin1"))) finish();
    });
    socket.on("error", () => finish());
    socket.on("close", () => finish());
    socket.end(typeof request === "string" ? Buffer.from(request, "latin1") : request);
  });
}

function isComplete(raw: string): boolean {
  const end = raw.indexOf("\r\n\r\n");
  if (end === -1) return false;
  const head = raw.slice(0, end);
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) return raw.endsWith("0\r\n\r\n");
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  return length !== null && raw.length - end - 4 >= Number(length[1]);
}

/** The body of a chunked response, joined. */
function unchunk(body: string): string {
  let out = "";
  let rest = body;
  for (;;) {
    const lineEnd = rest.indexOf("\r\n");
    const size = Number.parseInt(rest.slice(0, lineEnd), 16);
    if (lineEnd === -1 || !(size > 0)) return out;
    out += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    rest = rest.slice(lineEnd + 4 + size);
  }
}

function parseResponse(raw: string): RawResponse {
  const end = raw.indexOf("\r\n\r\n");
  const head = end === -1 ? raw : raw.slice(0, end);
  const [statusLine = "", ...lines] = head.split("\r\n");
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1];
  const headers = new Map<string, string[]>();
  for (const line of lines) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  const body = end === -1 ? "" : raw.slice(end + 4);
  const chunked = headers.get("transfer-encoding")?.includes("chunked") ?? false;
  return {
    status: status === undefined ? undefined : Number(status),
    headers,
    body: chunked ? unchunk(body) : body,
    raw,
  };
}

type Route = { kind: "role"; name: string } | { kind: "health" } | { kind: "none" };

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
const PATHS: readonly PathCase[] = [
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

const METHODS = ["GET", "GET", "GET", "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE"];

type HostCase = { readonly value: string | undefined; readonly loopback: boolean };
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

type TokenCase = { readonly label: string; readonly value: string | undefined; readonly valid: boolean };
function tokens(random: () => number): TokenCase[] {
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

interface Case {
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
function buildCase(random: () => number, tokenCases: TokenCase[]): Case {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  // Weighted towards well-formed requests, so the token and routing rules get exercised too.
  const hostCases = hosts(sidecar.port);
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

/** Headers the sidecar (or Node) may send; anything else would be injected. */
const KNOWN_RESPONSE_HEADERS = new Set([
  "content-type",
  "content-length",
  "cache-control",
  "date",
  "connection",
  "keep-alive",
  "allow",
  "retry-after",
  "transfer-encoding",
]);

/** What is wrong with a response, whatever its status: an empty list when it is safe. */
function unsafety(response: RawResponse, authorisedFor: string | undefined): string[] {
  const problems: string[] = [];
  if (response.status === 500) problems.push("answered 500");
  for (const name of response.headers.keys())
    if (!KNOWN_RESPONSE_HEADERS.has(name)) problems.push(`sent an unexpected header ${name}`);
  if (response.raw.includes(token)) problems.push("echoed the token");
  if (authorisedFor === undefined && secrets.some((secret) => response.raw.includes(secret)))
    problems.push("carried credential material");
  if (response.status !== undefined && response.status >= 400 && response.body !== "") {
    let keys = "";
    try {
      keys = Object.keys(JSON.parse(response.body) as object)
        .sort()
        .join(",");
    } catch {
      keys = "not JSON";
    }
    if (keys !== "Code,Message") problems.push(`error body is not {Code, Message} but ${keys}`);
  }
  return problems;
}

describe(`~${GENERATED_CASES} seeded random requests (seed ${SEED.toString(16)})`, () => {
  it("each gets its status, never carries credentials it should not, and the process lives on", async () => {
    // Prepare
    const random = seededRandom(SEED);
    const tokenCases = tokens(random);
    const cases = Array.from({ length: GENERATED_CASES }, () => buildCase(random, tokenCases));

    // Act
    const mismatches: string[] = [];
    let authorisedServed = 0;
    for (const testCase of cases) {
      const response = await rawRequest(testCase.bytes);

      // Assess
      if (!testCase.expected.includes(response.status))
        mismatches.push(
          `${testCase.title}: got ${response.status}, expected ${testCase.expected.join("|")} ${response.body.slice(0, 120)}`,
        );
      for (const problem of unsafety(response, testCase.authorisedFor))
        mismatches.push(`${testCase.title}: ${problem}`);
      if (testCase.authorisedFor !== undefined && response.status === 200) {
        const body = JSON.parse(response.body) as Record<string, string>;
        expect(body.RoleArn).toBe(`arn:aws:iam::${sts.accountId}:role/${testCase.authorisedFor}`);
        authorisedServed++;
      }
    }
    expect(mismatches).toEqual([]);
    expect(authorisedServed).toBeGreaterThan(0); // the generator does reach the success path
    expect(sidecar.child.exitCode).toBeNull();
    const after = await fetch(`http://127.0.0.1:${sidecar.port}/roles/reader`, {
      headers: { authorization: token },
    });
    expect(after.status).toBe(200);
  });
});

/** A well-formed GET with the given Authorization header value (undefined: none). */
function getRequest(path: string, authorization: string | undefined, extra: readonly string[] = []): Buffer {
  const lines = [`GET ${path} HTTP/1.1`, `Host: 127.0.0.1:${sidecar.port}`];
  if (authorization !== undefined) lines.push(`Authorization: ${authorization}`);
  lines.push(...extra, "Connection: close");
  return Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "utf8");
}

describe("wrong tokens", () => {
  const wrong = (): [string, string | undefined, number][] => [
    ["absent", undefined, 401],
    ["empty", "", 401],
    ["same length, other characters", "Z".repeat(token.length), 403],
    ["the token minus its last character", token.slice(0, -1), 403],
    ["the token plus one character", `${token}A`, 403],
    ["a single character", "x", 403],
    ["10 KB", "k".repeat(10_000), 403],
    ["unicode", "\u0442\u043e\u043a\u0435\u043d-\u{1f511}-\u00e9", 403],
    ["the token as Bearer", `Bearer ${token}`, 403],
  ];

  it("are refused with 401/403 {Code, Message}, no credentials, and never echoed", async () => {
    for (const [label, value, status] of wrong()) {
      // Act
      const response = await rawRequest(getRequest("/roles/reader", value));

      // Assess
      expect(response.status, label).toBe(status);
      expect(unsafety(response, undefined), label).toEqual([]);
      expect(JSON.parse(response.body)).toEqual({
        Code: status === 401 ? "MissingToken" : "InvalidToken",
        Message: expect.any(String),
      });
      if (value !== undefined && value.length > 2) expect(response.raw, label).not.toContain(value);
    }
    expect(sidecar.child.exitCode).toBeNull();
  });

  it("the comparison does not throw for any length or type, and accepts only the token", () => {
    // Code review: requestGuards.ts compares SHA-256 digests with timingSafeEqual, so the work done
    // is the same for every length; timingSafeEqual itself throws on unequal lengths, which hashing
    // rules out. This checks that claim's observable half.
    const expected = tokenDigest(token);
    const refusals = [
      "a",
      "",
      token.slice(0, -1),
      `${token}${token}`,
      "\u{1f511}".repeat(5000),
      [token, token],
    ].map((header) => checkToken(header, expected));
    expect(refusals.map((r) => r?.status)).toEqual([403, 401, 403, 403, 403, 403]);
    expect(checkToken(token, expected)).toBeUndefined();
  });
});

describe("Host and request-target authority: exactly a loopback name or literal, optional port", () => {
  // The same lists the unit tests use; here they go through Node's parser and the real process.
  const foreign = [...FOREIGN_AUTHORITIES, ...mutatedAuthorities(150)];
  // Spaces and tabs around a header value are not part of it (RFC 9110 OWS): Node strips them.
  const foreignHosts = foreign.filter((host) => !isLoopbackAuthority(host.replace(/^[ \t]+|[ \t]+$/g, "")));
  /** Characters an authority may hold in a request line without Node's parser refusing it first. */
  const parserSafe = (text: string) => /^[A-Za-z0-9._~!$&'()*+,;=:@[\]%-]*$/.test(text);
  /** Characters a header value may hold without Node's parser refusing it first. */
  const headerSafe = (text: string) => !hasControl(text, "tab allowed");

  it("refuses every foreign Host with 403 (400 where Node's parser refuses the bytes), even with the token", async () => {
    const wrong: string[] = [];
    for (const host of foreignHosts) {
      const bytes = Buffer.from(
        `GET /roles/reader HTTP/1.1\r\nHost: ${host}\r\nAuthorization: ${token}\r\nConnection: close\r\n\r\n`,
        "utf8",
      );
      const response = await rawRequest(bytes);
      const expected = headerSafe(host) ? [403] : [400, 403];
      if (!expected.includes(response.status ?? 0)) wrong.push(`${JSON.stringify(host)}: ${response.status}`);
      wrong.push(...unsafety(response, undefined).map((problem) => `${JSON.stringify(host)}: ${problem}`));
    }
    expect(wrong).toEqual([]);
  });

  it("refuses an absolute-form target naming any foreign authority with 403, whatever the Host", async () => {
    const wrong: string[] = [];
    for (const authority of foreign) {
      for (const path of ["/roles/reader", "/health"]) {
        // A mutation ending in `/`, `?` or `#` moves the rest into the path: judge what is parsed.
        if (isLoopbackAuthority(/^[^/?#]*/.exec(`${authority}${path}`)?.[0] ?? "")) continue;
        const bytes = Buffer.from(
          `GET http://${authority}${path} HTTP/1.1\r\nHost: 127.0.0.1:${sidecar.port}\r\nAuthorization: ${token}\r\nConnection: close\r\n\r\n`,
          "utf8",
        );
        const response = await rawRequest(bytes);
        const expected = parserSafe(authority) ? [403] : [400, 403];
        if (!expected.includes(response.status ?? 0))
          wrong.push(`http://${JSON.stringify(authority)}${path}: ${response.status} ${response.body}`);
        wrong.push(...unsafety(response, undefined).map((problem) => `${authority}${path}: ${problem}`));
      }
    }
    expect(wrong).toEqual([]);
  });

  it("serves an absolute-form target naming a loopback authority", async () => {
    for (const authority of loopbackAuthorities()) {
      const response = await rawRequest(getRequest(`http://${authority}/roles/reader`, token));
      expect(response.status, authority).toBe(200);
    }
  });

  it.each([
    ["CONNECT to a foreign host", `CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443`, 405],
    ["CONNECT to itself", `CONNECT 127.0.0.1:PORT HTTP/1.1\r\nHost: 127.0.0.1:PORT`, 405],
    ["OPTIONS *", "OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1", 400],
    ["GET *", "GET * HTTP/1.1\r\nHost: 127.0.0.1", 400],
    ["GET in authority-form", "GET 127.0.0.1:PORT HTTP/1.1\r\nHost: 127.0.0.1", 400],
    ["GET https://127.0.0.1/...", "GET https://127.0.0.1/roles/reader HTTP/1.1\r\nHost: 127.0.0.1", 400],
  ])("answers %s with its status and {Code, Message}, never credentials", async (_title, head, status) => {
    const response = await rawRequest(
      `${head.replaceAll("PORT", String(sidecar.port))}\r\nAuthorization: ${token}\r\nConnection: close\r\n\r\n`,
    );

    expect(response.status).toBe(status);
    expect(unsafety(response, undefined)).toEqual([]);
    if (status === 405) expect(response.headers.get("allow")).toEqual(["GET"]);
  });
});

/** Every method Node's parser knows, and seeded made-up ones it does not. */
function methodNames(): string[] {
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

describe("methods", () => {
  it("answers 405 with Allow: GET and {Code, Message} to every method but GET, on every path", async () => {
    const wrong: string[] = [];
    for (const method of methodNames()) {
      for (const path of ["/roles/reader", "/health", "/nowhere"]) {
        const response = await rawRequest(
          `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${token}\r\nContent-Type: application/json\r\nContent-Length: 3\r\nConnection: close\r\n\r\n{x}`,
        );
        if (response.status !== 405 || response.headers.get("allow")?.[0] !== "GET")
          wrong.push(`${method} ${path}: ${response.status} allow=${response.headers.get("allow")}`);
        const problems = unsafety(response, undefined);
        if (method !== "HEAD" && !/"Code":"MethodNotAllowed"/.test(response.body)) problems.push("body");
        wrong.push(...problems.map((problem) => `${method} ${path}: ${problem}`));
      }
    }
    expect(wrong).toEqual([]);
  });
});

/** Whether `text` holds a control character (which Node's parser refuses in a header value). */
function hasControl(text: string, tab?: "tab allowed"): boolean {
  return [...text].some((c) => {
    const code = c.charCodeAt(0);
    return (code < 0x20 && !(tab && code === 9)) || code === 0x7f;
  });
}

/** A GET with `count` padding headers, then `last`: Node's own limit is 1,000 (2,000 raw entries). */
function withPadding(count: number, last: readonly string[], authorization = token): string {
  return `${[
    "GET /roles/reader HTTP/1.1",
    "Host: 127.0.0.1",
    `Authorization: ${authorization}`,
    ...Array.from({ length: count }, (_, i) => `X-Pad-${i}: p`),
    ...last,
    "Connection: close",
  ].join("\r\n")}\r\n\r\n`;
}

describe("too many headers (Node drops those past its limit unseen)", () => {
  it.each([MAX_REQUEST_HEADERS - 2, 40, 100, 999, 1000, 1001, 1100, 2500])(
    "%i padding headers and an X-Forwarded-For: refused, never served",
    async (count) => {
      const response = await rawRequest(withPadding(count, ["X-Forwarded-For: 203.0.113.7"]));

      expect(response.status).toBe(count + 4 > MAX_REQUEST_HEADERS ? 431 : 403);
      expect(unsafety(response, undefined)).toEqual([]);
    },
  );

  it("serves a request with exactly the allowed number of header lines", async () => {
    const response = await rawRequest(withPadding(MAX_REQUEST_HEADERS - 3, []));

    expect(response.status).toBe(200);
  });

  it("answers one more than allowed with 431 TooManyHeaders", async () => {
    const response = await rawRequest(withPadding(MAX_REQUEST_HEADERS - 2, []));

    expect(response.status).toBe(431);
    expect(JSON.parse(response.body)).toEqual({ Code: "TooManyHeaders", Message: expect.any(String) });
  });
});

// The layer ships its own node (24); `serve` and `local` run on the user's (20 here). Node's header
// limit and parser differ between them, so the guards that depend on them run on the layer's too.
describe("on the layer's node", () => {
  let layerSidecar: ExtensionProcess;
  let layerToken: string;
  let layerNode: string;

  beforeAll(async () => {
    const work = mkdtempSync(join(tmpdir(), "hostile-layer-"));
    const { entries } = await layerEntries(work);
    const opt = extractLayer(entries, join(work, "opt"));
    layerNode = join(opt, "credentials-sidecar", "bin", "node");
    layerSidecar = await startStandalone([layerNode, join(opt, "credentials-sidecar", "extension.mjs")]);
    await layerSidecar.waitForLog((line) => line.event === "standalone");
    layerToken = readFileSync(join(layerSidecar.runtimeDir, "token"), "utf8");
    await layerSidecar.waitForLog((line) => line.event === "assumed" && line.role === "reader");
  });

  afterAll(() => layerSidecar?.kill());

  it("runs a node other than this machine's", async () => {
    const { execFileSync } = await import("node:child_process");
    expect(execFileSync(layerNode, ["--version"], { encoding: "utf8" }).trim()).not.toBe(process.version);
  });

  it("refuses too many headers with 431 and serves the allowed number", async () => {
    const statuses: (number | undefined)[] = [];
    for (const count of [MAX_REQUEST_HEADERS - 2, 999, 1000, 1001, 2500]) {
      const response = await rawRequest(
        withPadding(count, ["X-Forwarded-For: 203.0.113.7"], layerToken),
        3000,
        layerSidecar.port,
      );
      statuses.push(response.status);
    }
    const allowed = await rawRequest(
      withPadding(MAX_REQUEST_HEADERS - 3, [], layerToken),
      3000,
      layerSidecar.port,
    );

    expect(statuses).toEqual([431, 431, 431, 431, 431]);
    expect(allowed.status).toBe(200);
  });

  it("refuses foreign Hosts and absolute-form authorities, and every method but GET", async () => {
    const wrong: string[] = [];
    const port = layerSidecar.port;
    for (const host of FOREIGN_AUTHORITIES.filter((h) => h.trim() === h && !hasControl(h))) {
      const byHost = await rawRequest(
        Buffer.from(
          `GET /roles/reader HTTP/1.1\r\nHost: ${host}\r\nAuthorization: ${layerToken}\r\nConnection: close\r\n\r\n`,
          "utf8",
        ),
        3000,
        port,
      );
      if (byHost.status !== 403) wrong.push(`Host ${JSON.stringify(host)}: ${byHost.status}`);
    }
    for (const authority of [
      "evil.example",
      "localhost:evil.example",
      "127.0.0.1:80@evil.example",
      "[::1]junk",
    ]) {
      const byTarget = await rawRequest(
        `GET http://${authority}/roles/reader HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${layerToken}\r\nConnection: close\r\n\r\n`,
        3000,
        port,
      );
      if (byTarget.status !== 403) wrong.push(`target ${authority}: ${byTarget.status}`);
    }
    for (const method of methodNames()) {
      const response = await rawRequest(
        `${method} /roles/reader HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
        3000,
        port,
      );
      if (response.status !== 405) wrong.push(`${method}: ${response.status}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe("slow and idle clients", () => {
  it("a slowloris sending headers byte by byte does not hold up anyone else, and is served itself", async () => {
    // Prepare: a request dribbled one byte every 10 ms (about 2 s in all)
    const slow: Socket = connect({ host: "127.0.0.1", port: sidecar.port });
    await new Promise((resolve) => slow.once("connect", resolve));
    let answer = "";
    slow.on("data", (chunk: Buffer) => {
      answer += chunk.toString("latin1");
    });
    const closed = new Promise((resolve) => slow.once("close", resolve));
    const bytes = getRequest("/roles/reader", token);
    const dribble = (async () => {
      for (const byte of bytes) {
        slow.write(Buffer.from([byte]));
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();

    // Act: meanwhile, other clients
    const durations: number[] = [];
    let finished = false;
    void dribble.then(() => {
      finished = true;
    });
    while (!finished) {
      const started = Date.now();
      const response = await fetch(`http://127.0.0.1:${sidecar.port}/roles/other`, {
        headers: { authorization: token },
      });
      expect(response.status).toBe(200);
      await response.arrayBuffer();
      durations.push(Date.now() - started);
    }
    await closed;

    // Assess
    expect(durations.length).toBeGreaterThan(10);
    expect(Math.max(...durations)).toBeLessThan(500);
    expect(parseResponse(answer).status).toBe(200);
  });

  it("500 idle connections do not stop a normal request", async () => {
    // Prepare
    const idle: Socket[] = [];
    try {
      await Promise.all(
        Array.from(
          { length: 500 },
          () =>
            new Promise<void>((resolve, reject) => {
              const socket = connect({ host: "127.0.0.1", port: sidecar.port });
              idle.push(socket);
              socket.once("connect", () => resolve());
              socket.once("error", reject);
            }),
        ),
      );

      // Act
      const started = Date.now();
      const response = await fetch(`http://127.0.0.1:${sidecar.port}/roles/reader`, {
        headers: { authorization: token },
      });

      // Assess
      expect(response.status).toBe(200);
      expect(((await response.json()) as Record<string, string>).Code).toBe("Success");
      expect(Date.now() - started).toBeLessThan(1000);
      expect(idle.filter((socket) => socket.destroyed)).toEqual([]);
    } finally {
      for (const socket of idle) socket.destroy();
    }
  });
});

describe("after all of it", () => {
  it("the process still runs, and its log holds no token, no credential and none of the wrong tokens", () => {
    expect(sidecar.child.exitCode).toBeNull();
    const output = sidecar.output();
    for (const secret of [...secrets, "k".repeat(10_000), "Z".repeat(token.length)]) {
      expect(output).not.toContain(secret);
    }
  });
});
