/**
 * The bundled extension's Host and request-target checks over real sockets: exactly a loopback name or
 * literal with an optional port is served; every foreign or look-alike authority (hand-picked and
 * seeded mutations) is refused, as are CONNECT, asterisk-form and authority-form targets.
 */
import { describe, expect, it } from "vitest";
import { isLoopbackAuthority } from "../../src/http/requestGuards.js";
import { FOREIGN_AUTHORITIES, loopbackAuthorities, mutatedAuthorities } from "../support/authorities.js";
import { hostileSidecarPerFile } from "../support/hostileSidecar.js";
import { hasControl } from "../support/rawHttp.js";

const hostile = hostileSidecarPerFile();

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
        `GET /roles/reader HTTP/1.1\r\nHost: ${host}\r\nAuthorization: ${hostile.token}\r\nConnection: close\r\n\r\n`,
        "utf8",
      );
      const response = await hostile.send(bytes);
      const expected = headerSafe(host) ? [403] : [400, 403];
      if (!expected.includes(response.status ?? 0)) wrong.push(`${JSON.stringify(host)}: ${response.status}`);
      wrong.push(
        ...hostile.unsafety(response, undefined).map((problem) => `${JSON.stringify(host)}: ${problem}`),
      );
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
          `GET http://${authority}${path} HTTP/1.1\r\nHost: 127.0.0.1:${hostile.sidecar.port}\r\nAuthorization: ${hostile.token}\r\nConnection: close\r\n\r\n`,
          "utf8",
        );
        const response = await hostile.send(bytes);
        const expected = parserSafe(authority) ? [403] : [400, 403];
        if (!expected.includes(response.status ?? 0))
          wrong.push(`http://${JSON.stringify(authority)}${path}: ${response.status} ${response.body}`);
        wrong.push(
          ...hostile.unsafety(response, undefined).map((problem) => `${authority}${path}: ${problem}`),
        );
      }
    }
    expect(wrong).toEqual([]);
  });

  it("serves an absolute-form target naming a loopback authority", async () => {
    for (const authority of loopbackAuthorities()) {
      const response = await hostile.send(
        hostile.getRequest(`http://${authority}/roles/reader`, hostile.token),
      );
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
    const response = await hostile.send(
      `${head.replaceAll("PORT", String(hostile.sidecar.port))}\r\nAuthorization: ${hostile.token}\r\nConnection: close\r\n\r\n`,
    );

    expect(response.status).toBe(status);
    expect(hostile.unsafety(response, undefined)).toEqual([]);
    if (status === 405) expect(response.headers.get("allow")).toEqual(["GET"]);
  });
});
