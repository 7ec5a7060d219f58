import { describe, expect, it } from "vitest";
import { seededRandom } from "../../test/support/seededRandom.mjs";
import {
  type GuardedRequest,
  isLoopbackAuthority,
  MAX_REQUEST_HEADERS,
  refuseMethod,
  refuseUntrusted,
} from "./requestGuards.js";

/** Every spelling the rule accepts: a loopback name in any letter case, with or without a port. */
export function loopbackAuthorities(): string[] {
  const names = ["127.0.0.1", "localhost", "LOCALHOST", "LocalHost", "[::1]"];
  const ports = ["", ":1", ":80", ":9770", ":65535", ":08080"];
  return names.flatMap((name) => ports.map((port) => `${name}${port}`));
}

/** Authorities that look loopback-ish but are not exactly a loopback name plus an optional port. */
export const FOREIGN_AUTHORITIES: readonly string[] = [
  "",
  "evil.example",
  "evil.example:9770",
  "localhost:evil.example",
  "127.0.0.1:80@evil.example",
  "127.0.0.1@evil.example",
  "user@127.0.0.1",
  "user:pass@localhost:9770",
  "evil.example#@127.0.0.1",
  "evil.example\\@127.0.0.1",
  "[::1]junk",
  "[::1]:9770junk",
  "[::1",
  "::1",
  "[::1]]",
  "[0:0:0:0:0:0:0:1]",
  "[::ffff:127.0.0.1]",
  "[::1%25lo]",
  "[::2]:9770",
  "localhost.",
  "127.0.0.1.",
  "localhost.localdomain",
  "127.0.0.1.nip.io",
  "localhost.evil.example",
  "127.0.0.2",
  "127.1",
  "2130706433",
  "0x7f000001",
  "0177.0.0.1",
  "127.000.000.001",
  "localhost:",
  "localhost:0",
  "localhost:65536",
  "localhost:99999",
  "localhost:123456",
  "localhost:-1",
  "localhost:+80",
  "localhost:0x50",
  "localhost:80:80",
  "localhost:8 0",
  "local host",
  "localhost ",
  " localhost",
  "localhost\t",
  "%6cocalhost",
  "127.0.0.1%2f",
  "l\u043ecalhost", // Cyrillic o
  "\uff11\uff12\uff17.0.0.1", // fullwidth digits
  "localhost\u200b",
  "\u0131ocalhost",
  "localhost\u0000",
  "*",
];

const SEED = 0x4057_c1a5;

/** Seeded mutations of accepted authorities, each of a kind that can never leave it acceptable. */
export function mutatedAuthorities(count: number): string[] {
  const random = seededRandom(SEED);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const junk = [..."!\"#$%&'()*+,-./;<=>?@[\\]^_`{|}~ \t", "\u00e9", "\u2024", "\uff0e", "\u0000", "\u007f"];
  const letters = "abcdefghijklmnopqrstuvwxyz";
  const word = () => Array.from({ length: 1 + Math.floor(random() * 8) }, () => pick([...letters])).join("");
  const mutations: ((authority: string) => string)[] = [
    (a) => `${pick(junk)}${a}`,
    (a) => `${a}${pick(junk)}`,
    (a) => `${a}${pick(junk)}${word()}`,
    (a) => `${word()}@${a}`,
    (a) => `${a}@${word()}.example`,
    (a) => `${a}:${word()}`,
    (a) => `${word()}.${a}`,
    (a) => `${a}.${word()}`,
    (a) => a.replace(/[a-z0-9]/i, (c) => `%${c.charCodeAt(0).toString(16)}`),
    (a) => {
      const at = 1 + Math.floor(random() * (a.length - 1));
      return `${a.slice(0, at)}${pick([" ", "\t", "\u00a0", "\u200b"])}${a.slice(at)}`;
    },
  ];
  const accepted = loopbackAuthorities();
  return Array.from({ length: count }, () => pick(mutations)(pick(accepted)));
}

function request(overrides: Partial<GuardedRequest> & { host?: string | string[] }): GuardedRequest {
  const hosts = overrides.host === undefined ? ["127.0.0.1:9770"] : [overrides.host].flat();
  const rawHeaders = overrides.rawHeaders ?? hosts.flatMap((host) => ["Host", host]);
  return { url: overrides.url ?? "/roles/reader", headers: overrides.headers ?? {}, rawHeaders };
}

describe("isLoopbackAuthority", () => {
  it.each(loopbackAuthorities())("accepts %j", (authority) => {
    expect(isLoopbackAuthority(authority)).toBe(true);
  });

  it.each(FOREIGN_AUTHORITIES)("refuses %j", (authority) => {
    expect(isLoopbackAuthority(authority)).toBe(false);
  });

  it("refuses 500 seeded mutations of accepted authorities", () => {
    const accepted = mutatedAuthorities(500).filter(isLoopbackAuthority);
    expect(accepted).toEqual([]);
  });
});

describe("refuseUntrusted", () => {
  it("lets a plain SDK request through", () => {
    expect(refuseUntrusted(request({}))).toBeUndefined();
  });

  it.each([...FOREIGN_AUTHORITIES, ...mutatedAuthorities(50)])("refuses Host %j with 403", (host) => {
    expect(refuseUntrusted(request({ host }))?.body.Code).toBe("HostRefused");
  });

  it.each([
    ["no Host", []],
    ["two loopback Hosts", ["Host", "127.0.0.1", "Host", "localhost"]],
    ["loopback then foreign", ["Host", "127.0.0.1", "Host", "evil.example"]],
    ["foreign then loopback", ["host", "evil.example", "HOST", "127.0.0.1"]],
    ["the same Host twice", ["Host", "127.0.0.1", "Host", "127.0.0.1"]],
  ])("refuses %s with 403", (_title, rawHeaders) => {
    expect(refuseUntrusted(request({ rawHeaders }))?.status).toBe(403);
  });

  it.each(loopbackAuthorities())("accepts the absolute-form target http://%s/roles/reader", (authority) => {
    expect(refuseUntrusted(request({ url: `http://${authority}/roles/reader` }))).toBeUndefined();
  });

  it.each([...FOREIGN_AUTHORITIES, ...mutatedAuthorities(50)])(
    "refuses the absolute-form target http://%s/roles/reader with 403",
    (authority) => {
      const refused = refuseUntrusted(request({ url: `http://${authority}/roles/reader` }));
      expect([refused?.status, refused?.body.Code]).toEqual([403, "HostRefused"]);
    },
  );

  it.each([
    "*",
    "127.0.0.1:9770",
    "localhost:80",
    "https://127.0.0.1/roles/reader",
    "ftp://127.0.0.1/roles/reader",
    "http:/127.0.0.1/roles/reader",
    "roles/reader",
    "",
  ])("refuses the target %j with 400", (url) => {
    expect(refuseUntrusted(request({ url }))?.body.Code).toBe("BadRequestTarget");
  });

  it("refuses more than MAX_REQUEST_HEADERS header lines with 431, before anything else", () => {
    const padding = (n: number) => Array.from({ length: n }, (_, i) => [`X-Pad-${i}`, "p"]).flat();
    const atLimit = ["Host", "127.0.0.1", ...padding(MAX_REQUEST_HEADERS - 1)];
    const overLimit = ["Host", "evil.example", ...padding(MAX_REQUEST_HEADERS)];

    expect(refuseUntrusted(request({ rawHeaders: atLimit }))).toBeUndefined();
    expect(refuseUntrusted(request({ rawHeaders: overLimit }))).toEqual({
      status: 431,
      body: { Code: "TooManyHeaders", Message: expect.stringContaining(String(MAX_REQUEST_HEADERS)) },
    });
  });

  it.each([{ "x-forwarded-for": "203.0.113.7" }, { "x-forwarded-for": "" }, { forwarded: "for=x" }])(
    "refuses proxied requests %j with 403",
    (headers) => {
      expect(refuseUntrusted(request({ headers }))?.body.Code).toBe("ForwardedRequestRefused");
    },
  );
});

describe("refuseMethod", () => {
  it("serves GET only: every other method, whatever its case, gets 405", () => {
    const random = seededRandom(SEED);
    const generated = Array.from({ length: 50 }, () =>
      Array.from({ length: 1 + Math.floor(random() * 10) }, () =>
        String.fromCharCode(65 + Math.floor(random() * 26)),
      ).join(""),
    );
    const methods = ["get", "Get", "HEAD", "TRACE", "PROPFIND", "CONNECT", "OPTIONS", ...generated].filter(
      (method) => method !== "GET",
    );

    expect(methods.filter((method) => refuseMethod(method)?.status !== 405)).toEqual([]);
    expect(refuseMethod("GET")).toBeUndefined();
  });
});
