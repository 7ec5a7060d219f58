import { isIP } from "node:net";
import { describe, expect, it } from "vitest";
import { firstIpv4Address, isDnsName } from "./hostAddress.js";

describe("isDnsName", () => {
  it("takes names, and never an address node would take for one", () => {
    const names = ["localhost", "sts.us-east-1.amazonaws.com", "STS.Amazonaws.com.", "a-1.b2", "x"];
    const notNames = [
      "127.0.0.1",
      "10.0.0.300", // not an address either, but no letter: node decides
      "1.2.3",
      "::1",
      "fe80::1",
      "[::1]",
      "a..b",
      ".a",
      "a b",
      "",
      "é.example",
      "under_score.example",
      `${"a".repeat(254)}`,
    ];
    for (const name of names) expect(isDnsName(name), name).toBe(true);
    for (const name of notNames) expect(isDnsName(name), name).toBe(false);
    for (const name of [...names, ...notNames].filter(isDnsName)) expect(isIP(name), name).toBe(0);
  });
});

describe("firstIpv4Address", () => {
  it("finds a name's IPv4 address through the system's resolver (/etc/hosts: localhost)", async () => {
    await expect(firstIpv4Address("localhost")).resolves.toBe("127.0.0.1");
  });

  it("gives nothing for a name no resolver knows (.invalid never resolves: RFC 6761)", async () => {
    await expect(firstIpv4Address("sts.credentials-sidecar.invalid")).resolves.toBeUndefined();
  });

  it("gives nothing where node's binding is missing, changed, throws, refuses or answers oddly", async () => {
    const answering = (status: number, addresses: unknown) => () => ({
      GetAddrInfoReqWrap: class {
        oncomplete?: (status: number, addresses: unknown) => void;
      },
      getaddrinfo(request: { oncomplete(status: number, addresses: unknown): void }) {
        setImmediate(() => request.oncomplete(status, addresses));
        return 0;
      },
    });
    const bindings: [string, () => unknown][] = [
      ["missing", () => undefined],
      [
        "throwing",
        () => {
          throw new Error("No such binding: cares_wrap");
        },
      ],
      ["changed", () => ({ getaddrinfo: () => 0 })],
      ["refusing the call", () => ({ GetAddrInfoReqWrap: class {}, getaddrinfo: () => -22 })],
      [
        "throwing at the call",
        () => ({
          GetAddrInfoReqWrap: class {},
          getaddrinfo: () => {
            throw new TypeError("bad arguments");
          },
        }),
      ],
      ["failing the lookup", answering(-3008, null)],
      ["answering an IPv6 address", answering(0, ["::1"])],
      ["answering no address", answering(0, [])],
      ["answering something else", answering(0, "127.0.0.1")],
    ];
    for (const [what, binding] of bindings)
      await expect(firstIpv4Address("localhost", binding), what).resolves.toBeUndefined();
    await expect(firstIpv4Address("localhost", answering(0, ["192.0.2.7", "192.0.2.8"]))).resolves.toBe(
      "192.0.2.7",
    );
  });
});
