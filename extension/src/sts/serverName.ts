/**
 * The check of STS's certificate against its host name, for a connection made to the name's address
 * (platform/hostAddress.ts). node's `tls.checkServerIdentity` first tests whether the name is an IP
 * address, and that test's IPv6 pattern costs milliseconds to compile at its first use: so the usual
 * case is answered here, and every other one by node. The shortcut accepts only a DNS name that one
 * of the certificate's DNS names equals, or matches with a wildcard standing for its whole first
 * label (`*.sts.us-east-1.vpce.amazonaws.com`), under node's own rules: ASCII letters compared
 * without case, one trailing dot ignored. Everything it accepts node accepts too (serverName.test.ts
 * compares the two); whatever it does not accept goes to node, which accepts it or says why not.
 */
import type { PeerCertificate } from "node:tls";
import { isDnsName } from "../platform/hostAddress.js";

export type CheckServerIdentity = (hostname: string, certificate: PeerCertificate) => Error | undefined;

export function checkServerName(
  hostname: string,
  certificate: PeerCertificate,
  nodeCheck: CheckServerIdentity,
): Error | undefined {
  return certifiesName(hostname, certificate.subjectaltname) ? undefined : nodeCheck(hostname, certificate);
}

/** Whether `altNames` (node's `subjectaltname`: "DNS:a, DNS:b, IP Address:…") certifies DNS name `hostname`. */
export function certifiesName(hostname: string, altNames: string | undefined): boolean {
  // Quoted entries are node's to split (names with ", " in them).
  if (typeof altNames !== "string" || altNames.includes('"') || !isDnsName(hostname)) return false;
  const host = canonical(hostname);
  const firstDot = host.indexOf(".");
  for (const entry of altNames.split(", ")) {
    if (!entry.startsWith("DNS:")) continue;
    const pattern = canonical(entry.slice(4));
    if (pattern === host) return true;
    // `*.` then the host's labels but its first; never `*.tld` (node: more than two labels).
    if (
      firstDot > 0 &&
      pattern.startsWith("*.") &&
      pattern.slice(1) === host.slice(firstDot) &&
      host.slice(firstDot + 1).includes(".")
    )
      return true;
  }
  return false;
}

/** node's form for comparing names: one trailing dot dropped, A-Z lowered (not locale-dependent). */
function canonical(name: string): string {
  const bare = name.endsWith(".") ? name.slice(0, -1) : name;
  return bare.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}
