/**
 * Start-up overlaps STS with fastify: the roles' first AssumeRole requests are out before fastify's
 * load (tens of milliseconds that hold the event loop) begins, so STS answers while it loads
 * (sts/requestsSent.ts). On the BUILT layer, against the STS stand-in, a preload notes when each
 * AssumeRole request is sent (ClientRequest "finish") and when the HTTP server is created (fastify's
 * `http.createServer`); every request must come first. Without the wait, the requests' connections
 * were made only once fastify had loaded: the server came first.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extractLayer, layerEntries } from "../../../layer/test/support/layer.js";
import { startMockRuntimeApi } from "../../devkit/mockRuntimeApi/mockRuntimeApi.js";
import { type StsStandIn, startStsStandIn } from "../../devkit/stsStandIn/stsStandIn.js";
import { startExtension } from "../support/extensionProcess.js";
import { baseEnv, roleArn, rolesConfig } from "../support/sidecarUnderFaults.js";

const PRELOAD = `
const http = require("node:http");
const https = require("node:https");
for (const transport of [http, https]) {
  const request = transport.request;
  transport.request = function (...args) {
    const made = request.apply(this, args);
    made.once("finish", () => process._rawDebug("STS-REQUEST-SENT " + made.path));
    return made;
  };
}
const createServer = http.createServer;
http.createServer = function (...args) {
  process._rawDebug("HTTP-SERVER-CREATED");
  return createServer.apply(this, args);
};
`;

let work = "";
let opt = "";
let sts: StsStandIn;
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "sts-before-server-"));
  opt = extractLayer((await layerEntries(work)).entries, join(work, "opt"));
  writeFileSync(join(work, "preload.cjs"), PRELOAD);
  sts = await startStsStandIn();
}, 120_000);
afterAll(async () => {
  await sts?.close();
  if (work !== "") rmSync(work, { recursive: true, force: true });
});

describe("the first AssumeRole and the HTTP server", () => {
  it.each([
    ["an environment config", 1, () => ({ CREDENTIALS_SIDECAR_ROLE_ARN: roleArn(sts, "reader") })],
    [
      "a YAML file of two roles",
      2,
      () => {
        const path = join(work, "config.yaml");
        writeFileSync(path, rolesConfig(sts, { audit: undefined }));
        return { CREDENTIALS_SIDECAR_CONFIG: path };
      },
    ],
  ] as const)(
    "with %s, every AssumeRole request is sent before the server is created",
    async (_, roles, config) => {
      const mock = await startMockRuntimeApi();
      const sidecar = await startExtension({
        env: baseEnv(sts, { AWS_LAMBDA_RUNTIME_API: mock.address, ...config() }),
        command: [
          join(opt, "credentials-sidecar", "bin", "node"),
          "--max-semi-space-size=1",
          "--require",
          join(work, "preload.cjs"),
          join(opt, "credentials-sidecar", "extension.mjs"),
        ],
      });
      try {
        await mock.waitForIdle("credentials-sidecar", 15_000);
        mock.shutdown();
        expect((await sidecar.exited()).code).toBe(0);
        const marks = sidecar
          .output()
          .split("\n")
          .filter((line) => /^(STS-REQUEST-SENT|HTTP-SERVER-CREATED)/.test(line))
          .map((line) => line.split(" ")[0]);
        // One server; one request per role (the control that both were seen).
        expect(marks.filter((mark) => mark === "HTTP-SERVER-CREATED")).toHaveLength(1);
        expect(marks.filter((mark) => mark === "STS-REQUEST-SENT")).toHaveLength(roles);
        expect(marks).toEqual([...Array(roles).fill("STS-REQUEST-SENT"), "HTTP-SERVER-CREATED"]);
      } finally {
        sidecar.kill();
        await mock.close();
      }
    },
    60_000,
  );
});
