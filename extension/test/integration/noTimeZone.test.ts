/**
 * V8 works out the local time zone, through ICU, the first time a Date becomes text, even for UTC
 * text (toISOString, toUTCString), which maps about 8 MiB of ICU's data into the process: memory
 * Lambda counts against the function (platform/utcTime.ts). The BUILT layer, run on its node through
 * start-up, serving (credentials, health, a 404), an INVOKE and SHUTDOWN, must never turn a Date into
 * text that way: a preload wraps every such method of Date.prototype and notes each call (node:http's
 * own Date header, `toUTCString`, included: the responses carry the sidecar's Date header instead, which
 * node then leaves alone). The control shows the preload notes a call when there is one; without the
 * sidecar's response class, the first test notes node:http's.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startMockRuntimeApi } from "../../devkit/mockRuntimeApi/mockRuntimeApi.js";
import { startExtension } from "../support/extensionProcess.js";
import { useLayerWithPreload } from "../support/layerWithPreload.js";
import { baseEnv, rolesConfig } from "../support/sidecarUnderFaults.js";

const PRELOAD = `
const methods = ["toISOString", "toUTCString", "toGMTString", "toJSON", "toString", "toDateString",
  "toTimeString", "toLocaleString", "toLocaleDateString", "toLocaleTimeString"];
for (const name of methods) {
  const original = Date.prototype[name];
  if (typeof original !== "function") continue;
  Date.prototype[name] = function (...args) {
    process._rawDebug("DATE-AS-TEXT " + name + " " + JSON.stringify(new Error().stack.split("\\n").slice(2, 5)));
    return original.apply(this, args);
  };
}
`;

const layer = useLayerWithPreload("no-time-zone", PRELOAD);

describe("dates as text", () => {
  it("the sidecar never has V8 print a Date: start-up, serving, INVOKE, SHUTDOWN", async () => {
    const config = join(layer.work, "config.yaml");
    writeFileSync(config, rolesConfig(layer.sts));
    const mock = await startMockRuntimeApi();
    const sidecar = await startExtension({
      env: baseEnv(layer.sts, {
        AWS_LAMBDA_RUNTIME_API: mock.address,
        CREDENTIALS_SIDECAR_CONFIG: config,
        CREDENTIALS_SIDECAR_LOG_LEVEL: "debug",
      }),
      command: layer.command(),
    });
    try {
      await mock.waitForIdle("credentials-sidecar", 15_000);
      const token = readFileSync(join(sidecar.runtimeDir, "token"), "utf8");
      const base = `http://127.0.0.1:${sidecar.port}`;
      const answers = await Promise.all(
        ["/roles/reader", "/health", "/nowhere"].map((path) =>
          fetch(`${base}${path}`, { headers: { authorization: token } }),
        ),
      );
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 404]);
      for (const answer of answers) {
        const date = answer.headers.get("date") ?? "";
        // One Date header, in HTTP's form, for about now.
        expect(date).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$/);
        expect(Math.abs(Date.parse(date) - Date.now())).toBeLessThan(60_000);
        await answer.arrayBuffer();
      }
      mock.invoke({});
      await mock.waitForIdle("credentials-sidecar", 15_000); // the INVOKE taken, the next event asked for
      mock.shutdown();
      expect((await sidecar.exited()).code).toBe(0);
      // Control within the run: the debug log lines were written, with their timestamps.
      expect(sidecar.logs.length).toBeGreaterThan(3);
      expect(
        sidecar.logs.every((line) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(String(line.timestamp))),
      ).toBe(true);
      expect(
        sidecar
          .output()
          .split("\n")
          .filter((line) => line.startsWith("DATE-AS-TEXT")),
      ).toEqual([]);
    } finally {
      sidecar.kill();
      await mock.close();
    }
  }, 60_000);

  it("the control: the preload notes each Date V8 prints, in the layer's node", () => {
    const run = spawnSync(
      layer.node,
      [
        "--require",
        join(layer.work, "preload.cjs"),
        "-e",
        "new Date(0).toISOString(); JSON.stringify({ at: new Date(0) })",
      ],
      { encoding: "utf8", timeout: 30_000 },
    );
    expect(run.status).toBe(0);
    const noted = run.stderr.split("\n").filter((line) => line.startsWith("DATE-AS-TEXT"));
    // JSON.stringify calls toJSON, which calls toISOString.
    expect(noted.map((line) => line.split(" ")[1])).toEqual(["toISOString", "toJSON", "toISOString"]);
  });
});
