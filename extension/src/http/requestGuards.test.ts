import { describe, expect, it } from "vitest";
import {
  FOREIGN_AUTHORITIES,
  loopbackAuthorities,
  mutatedAuthorities,
} from "../../test/support/authorities.js";
import { seededRandom } from "../../test/support/seededRandom.mjs";
import {
  type GuardedRequest,
  isLoopbackAuthority,
  MAX_REQUEST_HEADERS,
  PROXY_HEADERS,
  refuseMethod,
  refuseUntrusted,
} from "./requestGuards.js";

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

  it.each([{ "x-forwarded-for": "" }, ...PROXY_HEADERS.map((name) => ({ [name]: "1.1 proxy.example" }))])(
    "refuses proxied requests %j with 403",
    (headers) => {
      expect(refuseUntrusted(request({ headers }))?.body.Code).toBe("ForwardedRequestRefused");
    },
  );
});

describe("refuseMethod", () => {
  it("serves GET only: every other method, whatever its case, gets 405", () => {
    const random = seededRandom(0x3e7_40d5);
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
