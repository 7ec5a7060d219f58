import { nodeBinding } from "./builtins.js";

/**
 * A host name's IPv4 address, found the way node's `dns.lookup` finds it (getaddrinfo: /etc/hosts,
 * then DNS), through node's resolver binding rather than node:net or node:dns. Both first test
 * whether the name is an IP address, and that test's IPv6 pattern, compiled at its first use, costs
 * 3-5 ms of CPU (then ~1 ms more when V8 compiles it to machine code at its second): on Lambda, on
 * the way to the first AssumeRole of every cold start (bench/RESULTS.md, "What was tried"). A
 * connection to the address found here meets only the IPv4 test.
 */

/** Letters, digits and hyphens in dot-separated labels, one letter at least: no IP address is one. */
const DNS_NAME = /^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.?$/;
const HAS_LETTER = /[A-Za-z]/;
/** What getaddrinfo writes for an IPv4 address (inet_ntop). */
const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
/** AF_INET, as node's dns.lookup asks with `family: 4`. */
const IPV4_FAMILY = 4;

/** Whether `host` is a name to resolve (neither an IPv4 nor an IPv6 address, nor anything odd). */
export function isDnsName(host: string): boolean {
  return host.length <= 253 && DNS_NAME.test(host) && HAS_LETTER.test(host);
}

interface AddressRequest {
  hostname?: string;
  family?: number;
  oncomplete?: (status: number, addresses: unknown) => void;
}
interface ResolverBinding {
  GetAddrInfoReqWrap: new () => AddressRequest;
  getaddrinfo(
    request: AddressRequest,
    hostname: string,
    family: number,
    hints: number,
    order: number,
  ): number;
}

function resolverOf(binding: unknown): ResolverBinding | undefined {
  const candidate = binding as Partial<ResolverBinding> | undefined;
  return typeof candidate?.getaddrinfo === "function" && typeof candidate.GetAddrInfoReqWrap === "function"
    ? (candidate as ResolverBinding)
    : undefined;
}

/**
 * `host`'s first IPv4 address, or undefined where it has none, the lookup failed, or node's binding
 * is missing or changed: the caller then connects by name, and node resolves it (and says why not).
 */
export function firstIpv4Address(
  host: string,
  binding: () => unknown = () => nodeBinding("cares_wrap"),
): Promise<string | undefined> {
  let resolver: ResolverBinding | undefined;
  try {
    resolver = resolverOf(binding());
  } catch {
    // No such binding in this node.
  }
  if (resolver === undefined) return Promise.resolve(undefined);
  const found = resolver;
  return new Promise((resolve) => {
    const request = new found.GetAddrInfoReqWrap();
    request.hostname = host;
    request.family = IPV4_FAMILY;
    request.oncomplete = (status, addresses) => {
      const first: unknown = Array.isArray(addresses) ? addresses[0] : undefined;
      resolve(status === 0 && typeof first === "string" && IPV4.test(first) ? first : undefined);
    };
    try {
      // Hints 0 and the default order, as dns.lookup(host, { family: 4 }) asks.
      if (found.getaddrinfo(request, host, IPV4_FAMILY, 0, 0) !== 0) resolve(undefined);
    } catch {
      resolve(undefined);
    }
  });
}
