/**
 * Start-up overlaps STS with fastify: the roles' first AssumeRole requests are out before fastify's
 * load (tens of milliseconds that hold the event loop) begins, and before node:http loads, so STS
 * answers while they load (sts/requestsSent.ts). On the BUILT layer, against the STS stand-in, a
 * preload notes when each AssumeRole request is sent (its socket write done), whether node:http was
 * required by then, and when the HTTP server is created (fastify's `http.createServer`); every
 * request must come first. Without the wait, the requests' connections
 * were made only once fastify had loaded: the server came first.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startMockRuntimeApi } from "../../devkit/mockRuntimeApi/mockRuntimeApi.js";
import { startExtension } from "../support/extensionProcess.js";
import { useLayerWithPreload } from "../support/layerWithPreload.js";
import { baseEnv, roleArn, rolesConfig } from "../support/sidecarUnderFaults.js";

const PRELOAD = `
const Module = require("node:module");
const net = require("node:net");
// node:http (or node:https, which loads it) as the sidecar first requires it; the preload does not
// load it, so that the order is the sidecar's. Its createServer is noted (fastify's server).
let httpRequired = false;
const load = Module._load;
Module._load = function (request, ...rest) {
  const loaded = load.call(this, request, ...rest);
  if (!httpRequired && /^(node:)?https?$/.test(String(request))) {
    httpRequired = true;
    const http = load.call(this, "node:http", ...rest);
    const createServer = http.createServer;
    http.createServer = function (...args) {
      process._rawDebug("HTTP-SERVER-CREATED");
      return createServer.apply(this, args);
    };
  }
  return loaded;
};
// The AssumeRole request, written on its socket (by hand, or by node's HTTP client through a proxy):
// noted once the write is done, as the sidecar's own requestsSent counts it.
const write = net.Socket.prototype.write;
net.Socket.prototype.write = function (data, ...rest) {
  if (typeof data !== "string" || !data.startsWith("POST ") || !data.includes("Action=AssumeRole"))
    return write.call(this, data, ...rest);
  const done = typeof rest[rest.length - 1] === "function" ? rest.pop() : undefined;
  return write.call(this, data, ...rest, (...outcome) => {
    process._rawDebug("STS-REQUEST-SENT " + (httpRequired ? "after" : "before") + "-node:http");
    done?.(...outcome);
  });
};
`;

const layer = useLayerWithPreload("sts-before-server", PRELOAD);

describe("the first AssumeRole and the HTTP server", () => {
  it.each([
    ["an environment config", 1, () => ({ CREDENTIALS_SIDECAR_ROLE_ARN: roleArn(layer.sts, "reader") })],
    [
      "a YAML file of two roles",
      2,
      () => {
        const path = join(layer.work, "config.yaml");
        writeFileSync(path, rolesConfig(layer.sts, { audit: undefined }));
        return { CREDENTIALS_SIDECAR_CONFIG: path };
      },
    ],
  ] as const)(
    "with %s, every AssumeRole request is sent before node:http loads and the server is created",
    async (_, roles, config) => {
      const mock = await startMockRuntimeApi();
      const sidecar = await startExtension({
        env: baseEnv(layer.sts, { AWS_LAMBDA_RUNTIME_API: mock.address, ...config() }),
        command: layer.command(),
      });
      try {
        await mock.waitForIdle("credentials-sidecar", 15_000);
        mock.shutdown();
        expect((await sidecar.exited()).code).toBe(0);
        const lines = sidecar
          .output()
          .split("\n")
          .filter((line) => /^(STS-REQUEST-SENT|HTTP-SERVER-CREATED)/.test(line));
        const marks = lines.map((line) => line.split(" ")[0]);
        // Nor is node:http loaded before they leave: it loads while STS answers.
        expect(lines.filter((line) => line.startsWith("STS-REQUEST-SENT"))).toEqual(
          Array(roles).fill("STS-REQUEST-SENT before-node:http"),
        );
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
