/**
 * On the BUILT layer's own node, V8's pretenuring is stopped once start-up is over
 * (platform/pretenuring.ts): once, after every built-in start-up loads, whose load used node's own
 * code cache (V8 refuses it for a built-in loaded after a flag changed), and with the layer's code
 * caches accepted (the build's training run leaves the flags as they are at start-up: a cache taken
 * after the change would be refused by every start).
 */
import { describe, expect, it } from "vitest";
import { startMockRuntimeApi } from "../../devkit/mockRuntimeApi/mockRuntimeApi.js";
import { startExtension } from "../support/extensionProcess.js";
import { useLayerWithPreload } from "../support/layerWithPreload.js";
import { baseEnv, roleArn } from "../support/sidecarUnderFaults.js";

const PRELOAD = `
const { writeSync } = require("node:fs");
const v8 = require("node:v8");
// Each change of V8's flags, as a log line: what, and which of node's modules were loaded by then.
const setFlagsFromString = v8.setFlagsFromString;
v8.setFlagsFromString = function (flags) {
  const loaded = process.moduleLoadList.filter((m) => m.startsWith("NativeModule ")).map((m) => m.slice(13));
  writeSync(1, JSON.stringify({ timestamp: new Date(0).toJSON(), level: "info", message: "v8 flags", event: "test-v8-flags", flags, loaded }) + "\\n");
  return setFlagsFromString.call(this, flags);
};
`;

const layer = useLayerWithPreload("pretenuring", PRELOAD);

/** What start-up loads before first credentials: the server, the STS client's transport and signing. */
const START_UP_BUILTINS = ["net", "http", "https", "tls", "crypto"];

describe.each([
  ["on demand", false],
  // No INVOKE: init waits for every role's credentials first, and the change comes after.
  ["on Managed Instances", true],
] as const)("V8's pretenuring on the built layer, %s", (_mode, managedInstances) => {
  it("is stopped once init is done, after start-up's built-ins, with the code caches accepted", async () => {
    // Prepare
    const mock = await startMockRuntimeApi({ managedInstances });
    const sidecar = await startExtension({
      env: baseEnv(layer.sts, {
        AWS_LAMBDA_RUNTIME_API: mock.address,
        AWS_LAMBDA_INITIALIZATION_TYPE: mock.initializationType,
        CREDENTIALS_SIDECAR_ROLE_ARN: roleArn(layer.sts, "reader"),
        // At debug level the extension says whether each code cache was used (startup/restBundle.ts).
        CREDENTIALS_SIDECAR_LOG_LEVEL: "debug",
      }),
      command: layer.command(),
    });
    try {
      // Act
      await mock.waitForIdle("credentials-sidecar", 15_000);
      const changed = await sidecar.waitForLog((line) => line.event === "test-v8-flags", 10_000);
      mock.shutdown();
      expect((await sidecar.exited()).code).toBe(0);

      // Assess
      const changes = sidecar.logs.filter((line) => line.event === "test-v8-flags");
      expect(changes.map((line) => line.flags)).toEqual(["--no-allocation-site-pretenuring"]);
      expect(changed.loaded).toEqual(expect.arrayContaining(START_UP_BUILTINS));
      const caches = sidecar.logs.filter((line) => line.event === "code-cache");
      expect(caches.map((line) => [line.bundle, line.cache])).toEqual([
        ["beforeRegister.cjs", "accepted"],
        ["afterRegister.cjs", "accepted"],
      ]);
    } finally {
      sidecar.kill();
      await mock.close();
    }
  }, 60_000);
});
