/**
 * On the BUILT layer's own node, the first AssumeRole to STS by name (as on Lambda:
 * `sts.<region>.amazonaws.com`) goes to the address the sidecar looked up itself, so node's lookup
 * and its IP-address test of the name (whose IPv6 pattern costs milliseconds to compile) never run
 * on the way: node:dns, which node:net and node:tls load to resolve a name, is still not loaded when
 * the request is written. Over http and over https (certificate trusted through NODE_EXTRA_CA_CERTS).
 * Should node's resolver binding change, the sidecar connects by name as before and this fails.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockRuntimeApi } from "../../devkit/mockRuntimeApi/mockRuntimeApi.js";
import { startExtension } from "../support/extensionProcess.js";
import { useLayerWithPreload } from "../support/layerWithPreload.js";
import { baseEnv, roleArn } from "../support/sidecarUnderFaults.js";
import { startTlsFront, type TlsFront } from "../support/stsPeers.js";
import { NO_OPENSSL, selfSignedCertificate } from "../support/testCertificate.js";

const PRELOAD = `
const net = require("node:net");
// The AssumeRole request, once written on its socket: whether node:dns was loaded by then.
const write = net.Socket.prototype.write;
net.Socket.prototype.write = function (data, ...rest) {
  if (typeof data === "string" && data.startsWith("POST ") && data.includes("Action=AssumeRole"))
    process._rawDebug("STS-REQUEST dns-loaded=" + process.moduleLoadList.includes("NativeModule dns"));
  return write.call(this, data, ...rest);
};
`;

const layer = useLayerWithPreload("sts-by-address", PRELOAD);
/** Undefined without openssl (the https row then skips, saying so). */
let tls: { front: TlsFront; caFile: string } | undefined;

beforeAll(async () => {
  const certificate = selfSignedCertificate(layer.work, ["localhost"]);
  if (certificate === undefined) return;
  const front = await startTlsFront(layer.sts.endpoint, certificate);
  tls = { front, caFile: certificate.certFile };
}, 60_000);

afterAll(async () => {
  await tls?.front.close();
});

describe.each(["http", "https"] as const)("the first AssumeRole to STS by name, over %s", (scheme) => {
  it("is sent to the address the sidecar looked up, before node:dns ever loads", async (ctx) => {
    // Prepare: STS as localhost, by name
    let endpoint = layer.sts.endpoint.replace("127.0.0.1", "localhost");
    let trust = {};
    if (scheme === "https") {
      const front = tls;
      if (front === undefined) return ctx.skip(NO_OPENSSL);
      endpoint = front.front.urlFor("localhost");
      trust = { NODE_EXTRA_CA_CERTS: front.caFile };
    }
    const mock = await startMockRuntimeApi();
    const sidecar = await startExtension({
      env: baseEnv(layer.sts, {
        AWS_LAMBDA_RUNTIME_API: mock.address,
        AWS_ENDPOINT_URL_STS: endpoint,
        CREDENTIALS_SIDECAR_ROLE_ARN: roleArn(layer.sts, "reader"),
        ...trust,
      }),
      command: layer.command(),
    });
    try {
      // Act
      await mock.waitForIdle("credentials-sidecar", 15_000);
      const assumed = sidecar.logs.find((line) => line.event === "assumed");
      mock.shutdown();
      expect((await sidecar.exited()).code).toBe(0);

      // Assess: assumed through the endpoint by name, its request written with node:dns unloaded
      expect(assumed, sidecar.output()).toBeDefined();
      const requests = sidecar
        .output()
        .split("\n")
        .filter((line) => line.startsWith("STS-REQUEST "));
      expect(requests).toEqual(["STS-REQUEST dns-loaded=false"]);
    } finally {
      sidecar.kill();
      await mock.close();
    }
  }, 60_000);
});
