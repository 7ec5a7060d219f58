import { checkServerIdentity, type PeerCertificate } from "node:tls";
import { describe, expect, it } from "vitest";
import { certifiesName, checkServerName } from "./serverName.js";

/** Just what node's check reads of a certificate. */
function certificate(altNames: string | undefined, commonName?: string): PeerCertificate {
  return {
    subject: commonName === undefined ? {} : { CN: commonName },
    ...(altNames === undefined ? {} : { subjectaltname: altNames }),
  } as unknown as PeerCertificate;
}

const HOSTS = [
  "sts.us-east-1.amazonaws.com",
  "STS.US-EAST-1.AMAZONAWS.COM",
  "sts.us-east-1.amazonaws.com.",
  "vpce-0a1b.sts.us-east-1.vpce.amazonaws.com",
  "a.b.sts.us-east-1.vpce.amazonaws.com",
  "localhost",
  "example.com",
  "x.example.com",
  "xn--bcher-kva.example",
  "127.0.0.1",
  "::1",
  "a..b",
];
const ALT_NAMES = [
  undefined,
  "",
  "DNS:sts.us-east-1.amazonaws.com",
  "DNS:STS.us-east-1.amazonaws.com.",
  "DNS:sts.amazonaws.com, DNS:sts.us-east-1.amazonaws.com",
  "DNS:*.sts.us-east-1.vpce.amazonaws.com",
  "DNS:*.us-east-1.amazonaws.com",
  "DNS:*.amazonaws.com",
  "DNS:*.com",
  "DNS:*",
  "DNS:s*.us-east-1.amazonaws.com",
  "DNS:*ts.us-east-1.amazonaws.com",
  "DNS:*.*.amazonaws.com",
  "DNS:localhost",
  "DNS:localhost.",
  "DNS:example.com, IP Address:127.0.0.1",
  "IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1",
  "DNS:*.example.com",
  "DNS:x.example.com..",
  "DNS:xn--bcher-kva.example",
  "DNS:*.xn--bcher-kva.example",
  'DNS:"sts.us-east-1.amazonaws.com"',
  "DNS:exam ple.com",
  "URI:https://sts.us-east-1.amazonaws.com",
];
const COMMON_NAMES = [undefined, "sts.us-east-1.amazonaws.com", "localhost", "*.example.com"];

describe("checkServerName", () => {
  it("decides as node's tls.checkServerIdentity does, and its shortcut accepts only what node accepts", () => {
    let shortcuts = 0;
    for (const host of HOSTS)
      for (const altNames of ALT_NAMES)
        for (const commonName of COMMON_NAMES) {
          const cert = certificate(altNames, commonName);
          const case_ = JSON.stringify({ host, altNames, commonName });
          const nodeSays = checkServerIdentity(host, cert);
          if (certifiesName(host, altNames)) {
            shortcuts++;
            expect(nodeSays, case_).toBeUndefined();
          }
          const oursSays = checkServerName(host, cert, checkServerIdentity);
          expect(oursSays?.message, case_).toBe(nodeSays?.message);
        }
    // The usual cases do take the shortcut: exact, wildcard, case and a trailing dot.
    expect(shortcuts).toBeGreaterThanOrEqual(30);
  });

  it("takes the shortcut for STS's own certificates, without asking node", () => {
    const refuseAll = () => new Error("node was asked");
    const cases: [string, string][] = [
      ["sts.us-east-1.amazonaws.com", "DNS:sts.amazonaws.com, DNS:sts.us-east-1.amazonaws.com"],
      ["sts.amazonaws.com", "DNS:sts.amazonaws.com, DNS:*.sts.amazonaws.com"],
      ["vpce-0a1b-c2d3.sts.eu-west-1.vpce.amazonaws.com", "DNS:*.sts.eu-west-1.vpce.amazonaws.com"],
    ];
    for (const [host, altNames] of cases)
      expect(checkServerName(host, certificate(altNames), refuseAll), host).toBeUndefined();
  });

  it("leaves a certificate for another name to node, which refuses it and says why", () => {
    const error = checkServerName(
      "sts.us-east-1.amazonaws.com",
      certificate("DNS:sts.evil.example, DNS:*.amazonaws.com"),
      checkServerIdentity,
    );
    expect(error).toMatchObject({ code: "ERR_TLS_CERT_ALTNAME_INVALID" });
    expect(error?.message).toContain("sts.us-east-1.amazonaws.com");
  });
});
