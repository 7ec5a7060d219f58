/**
 * What runs before `register` is added to every cold start (Lambda starts the runtime once every
 * extension registered): the BUILT layer, run on its node against the mock Runtime API, must have
 * written its register request before it loads node:net (with its streams), node:http, node:dns,
 * node:cluster or node:crypto. A preload watches the one place the request is written
 * (lambda/rawConnect.ts: the tcp_wrap handle's writeLatin1String) and notes the built-in modules
 * loaded by then; the control shows the same preload sees them load afterwards. Three built-ins must
 * never load: node:assert and node:perf_hooks, which fastify requires for plain assert() calls and
 * performance.now() (the build serves both with stand-ins), and node:cluster, which node:net's
 * listen() loads (the hand-over goes around it: http/earlyListener.ts).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startMockRuntimeApi } from "../../devkit/mockRuntimeApi/mockRuntimeApi.js";
import { startExtension } from "../support/extensionProcess.js";
import { useLayerWithPreload } from "../support/layerWithPreload.js";
import { baseEnv, roleArn, rolesConfig } from "../support/sidecarUnderFaults.js";

const WATCHED = ["net", "http", "https", "dns", "cluster", "crypto", "tls"];
/** Built-ins the sidecar never loads, through init and shutdown. */
const NEVER_LOADED = ["assert", "perf_hooks", "cluster"];
const PRELOAD = `
const tcp = process.binding("tcp_wrap");
const write = tcp.TCP.prototype.writeLatin1String;
const loaded = () => process.moduleLoadList.filter((m) => m.startsWith("NativeModule ")).map((m) => m.slice(13));
tcp.TCP.prototype.writeLatin1String = function (req, data) {
  if (String(data).startsWith("POST /2020-01-01/extension/register "))
    process._rawDebug("REGISTER-WRITTEN " + JSON.stringify(loaded()));
  return write.call(this, req, data);
};
process.on("exit", () => process._rawDebug("AT-EXIT " + JSON.stringify(loaded())));
`;

const layer = useLayerWithPreload("before-register", PRELOAD);

describe("before register", () => {
  it.each([
    ["environment config", () => ({ CREDENTIALS_SIDECAR_ROLE_ARN: roleArn(layer.sts, "reader") })],
    [
      "YAML file",
      () => {
        const path = join(layer.work, "config.yaml");
        writeFileSync(path, rolesConfig(layer.sts));
        return { CREDENTIALS_SIDECAR_CONFIG: path };
      },
    ],
  ])(
    "with a %s, the register request is written before node:net, node:http, node:dns, node:cluster or node:crypto load",
    async (_, config) => {
      const mock = await startMockRuntimeApi();
      const sidecar = await startExtension({
        env: baseEnv(layer.sts, { AWS_LAMBDA_RUNTIME_API: mock.address, ...config() }),
        command: layer.command(),
      });
      try {
        await mock.waitForIdle("credentials-sidecar", 15_000); // init done: credentials assumed, fastify serving
        mock.shutdown();
        expect((await sidecar.exited()).code).toBe(0);
        const line = (marker: string) => {
          const found = sidecar
            .output()
            .split("\n")
            .find((l) => l.startsWith(`${marker} `));
          return JSON.parse(found?.slice(marker.length + 1) ?? "null") as string[] | null;
        };
        const atRegister = line("REGISTER-WRITTEN");
        const atExit = line("AT-EXIT");
        expect(atRegister, "the register request was not written through rawConnect.ts").not.toBeNull();
        // Control: the preload sees these load, after register (node:net and node:http serve, STS signs).
        for (const name of ["net", "http", "crypto"]) expect(atExit).toContain(name);
        expect(WATCHED.filter((name) => atRegister?.includes(name))).toEqual([]);
        // Nor, until the end, what fastify and its router load only for plain assert() calls and
        // performance.now() (the build's stand-ins serve them: extension/build.mjs), nor node:cluster.
        expect(NEVER_LOADED.filter((name) => atExit?.includes(name))).toEqual([]);
      } finally {
        sidecar.kill();
        await mock.close();
      }
    },
    60_000,
  );

  // esbuild's interop for a default or namespace import of a CommonJS module (`__toESM`) copies every
  // export onto a new object (node:fs has over a hundred): the build has the code before `register`
  // read the names it imports from built-ins, so neither the entry nor its bundle carries the helper
  // (its mark: the `default` property it defines). The control: the after-register bundle does
  // (fastify is CommonJS), so the probe finds the helper where it is.
  it("the code before register copies no module's exports (esbuild's interop helper is not in it)", () => {
    const bundle = (file: string) => readFileSync(layer.file(file), "utf8");
    const interop = '"default",{value:';
    expect(bundle("chunks/afterRegister.cjs")).toContain(interop);
    expect(bundle("extension.mjs")).not.toContain(interop);
    expect(bundle("chunks/beforeRegister.cjs")).not.toContain(interop);
  });
});
