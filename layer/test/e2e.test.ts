/**
 * The built Lambda layer end to end, as Lambda runs it: the zip unzipped into a folder playing /opt,
 * `/opt/extensions/credentials-sidecar` started with the layer's own node against the mock Runtime
 * API, roles assumed in moto (IAM enforced), and function code (boto3, JS SDK v3) started through
 * `/opt/credentials-sidecar/wrapper` (AWS_LAMBDA_EXEC_WRAPPER) or, without it, with the container
 * variables set on the function.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MockRuntimeApi } from "../../extension/devkit/mockRuntimeApi/mockRuntimeApi.js";
import {
  CLIENT_KINDS,
  CLIENT_SCRIPTS,
  type ClientKind,
  clientEnv,
  type WhoamiResult,
  whoamiEnv,
} from "../../extension/test/support/clients.js";
import {
  type ExtensionProcess,
  portBelowEphemeralRange,
} from "../../extension/test/support/extensionProcess.js";
import type { MotoEnvironment } from "../../extension/test/support/moto.js";
import {
  extractLayer,
  type FunctionRun,
  LAYER_NODE_VERSION,
  lastJsonLine,
  layerBesideMoto,
  runFunction,
} from "./support/layer.js";
import { assumedRole as assumedRoleOf, Sandboxes, sandboxEnv as sandboxEnvOf } from "./support/sandbox.js";

/** What a user would put in the function configuration for the no-wrapper set-up (32 characters). */
const USER_TOKEN = "e2e-user-chosen-token-0123456789";
const EXPLICIT = {
  python: fileURLToPath(new URL("./support/explicit_credentials.py", import.meta.url)),
  node: fileURLToPath(new URL("./support/explicit-credentials.mjs", import.meta.url)),
};

let work: string;
let opt: string;
let moto: MotoEnvironment;
const sandboxes = new Sandboxes();

/** The interpreter a runtime would start: python3 for Python, this machine's node for nodejs*. */
function interpreter(kind: ClientKind): string {
  return kind === "python" ? "python3" : process.execPath;
}

const sandboxEnv = (runtime: MockRuntimeApi) => sandboxEnvOf(runtime, moto);
const startLayerExtension = (functionConfig: Record<string, string>, port?: number) =>
  sandboxes.start(opt, moto, functionConfig, port === undefined ? {} : { port });
const assumedRole = (role: string) => assumedRoleOf(moto, role);

// The layer's node is a Linux binary: like layer/test/build.test.ts, this runs only on Linux.
describe.runIf(process.platform === "linux")("the layer unzipped as /opt", () => {
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "layer-e2e-"));
    const started = await layerBesideMoto(work);
    moto = started.moto;
    opt = extractLayer(started.layer.entries, join(work, "opt"));
  });

  afterAll(async () => {
    await Promise.all([sandboxes.closeAll(), moto?.stop()]);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  describe("the layer with AWS_LAMBDA_EXEC_WRAPPER and a config file", () => {
    let runtime: MockRuntimeApi;
    let sidecar: ExtensionProcess;
    let wrapper: string;

    /** The runtime's environment before the wrapper: the sandbox's, plus what the test code reads. */
    function functionEnv(extra: Record<string, string> = {}): Record<string, string> {
      return clientEnv({
        ...sandboxEnv(runtime),
        ...whoamiEnv(moto),
        CREDENTIALS_SIDECAR_RUNTIME_DIR: sidecar.runtimeDir,
        ...extra,
      });
    }

    beforeAll(async () => {
      const config = join(work, "credentials-sidecar.yaml");
      const yaml = [
        "default: reader",
        "roles:",
        "  reader:",
        `    RoleArn: ${moto.roles.reader}`,
        "  chained:",
        `    RoleArn: ${moto.roles.chained}`,
        "    source: reader",
      ];
      writeFileSync(config, `${yaml.join("\n")}\n`);
      ({ runtime, sidecar } = await startLayerExtension({ CREDENTIALS_SIDECAR_CONFIG: config }));
      wrapper = join(opt, "credentials-sidecar", "wrapper");
    });

    it("runs the extension with the layer's own node, not this machine's", () => {
      const first = sidecar.logs[0];
      expect(first?.event).toBe("start");
      expect(first?.node).toBe(LAYER_NODE_VERSION);
      expect(process.version).not.toBe(LAYER_NODE_VERSION);
    });

    it.each(CLIENT_KINDS)("%s code through the wrapper acts as the default role", async (kind) => {
      const run = await runFunction([interpreter(kind), CLIENT_SCRIPTS[kind]], functionEnv(), wrapper);

      const result = lastJsonLine<WhoamiResult>(run);
      expect(result.arn).toMatch(assumedRole("reader"));
      expect(result.dynamodb).toBe("allowed");
      expect(result.s3).toBe("denied:AccessDenied");
    });

    it.each(CLIENT_KINDS)(
      "%s code keeps the execution role with CREDENTIALS_SIDECAR_KEEP_EXECUTION_ROLE=true",
      async (kind) => {
        const env = functionEnv({ CREDENTIALS_SIDECAR_KEEP_EXECUTION_ROLE: "true" });
        const run = await runFunction([interpreter(kind), CLIENT_SCRIPTS[kind]], env, wrapper);

        expect(lastJsonLine<WhoamiResult>(run).arn).toBe(moto.base.arn);
      },
    );

    it.each(CLIENT_KINDS)("%s code reaches a second role by its URL", async (kind) => {
      const run = await runFunction(
        [interpreter(kind), EXPLICIT[kind], "role", "chained"],
        functionEnv(),
        wrapper,
      );

      expect(lastJsonLine<{ arn: string }>(run).arn).toMatch(assumedRole("chained"));
    });

    it.each(CLIENT_KINDS)("%s code still has the execution role's keys under other names", async (kind) => {
      const run = await runFunction([interpreter(kind), EXPLICIT[kind], "execution"], functionEnv(), wrapper);

      const result = lastJsonLine<{ arn: string; envKeys: boolean }>(run);
      expect(result.arn).toBe(moto.base.arn);
      expect(result.envKeys).toBe(false);
    });

    it("refuses to start the function when the extension left no token", async () => {
      const env = functionEnv({ CREDENTIALS_SIDECAR_RUNTIME_DIR: join(work, "no-such-dir") });
      const run = await runFunction([interpreter("python"), CLIENT_SCRIPTS.python], env, wrapper);

      expect(run.exitCode).toBe(1);
      expect(run.stdout).toBe("");
      expect(run.stderr).toContain("credentials-sidecar wrapper:");
    });

    it("exits 0 within Lambda's 2 s shutdown phase on SHUTDOWN", async () => {
      const shutdownAt = Date.now();
      runtime.shutdown();
      const exit = await sidecar.exited(5_000);

      expect(exit.code).toBe(0);
      expect(Date.now() - shutdownAt).toBeLessThan(2_000);
    });
  });

  describe("the layer without the wrapper: the function configuration sets the container variables", () => {
    let runtime: MockRuntimeApi;
    let sidecar: ExtensionProcess;
    let fullUri: string;

    beforeAll(async () => {
      // The function configuration names the port, so it is known before the extension binds it.
      const port = await portBelowEphemeralRange();
      fullUri = `http://127.0.0.1:${port}/roles/default`;
      // Function configuration: no config file, one role by variable, and the two SDK variables.
      ({ runtime, sidecar } = await startLayerExtension(
        {
          CREDENTIALS_SIDECAR_ROLE_ARN: moto.roles.reader,
          AWS_CONTAINER_CREDENTIALS_FULL_URI: fullUri,
          AWS_CONTAINER_AUTHORIZATION_TOKEN: USER_TOKEN,
        },
        port,
      ));
    });

    it("adopts the function's token and assumes the role with the execution role", async () => {
      const assumed = await sidecar.waitForLog((line) => line.event === "assumed");
      const served = await fetch(fullUri, { headers: { authorization: USER_TOKEN } });

      expect(assumed.role).toBe("default");
      expect(served.status).toBe(200);
      expect(((await served.json()) as { RoleArn: string }).RoleArn).toBe(moto.roles.reader);
      expect(readFileSync(join(sidecar.runtimeDir, "token"), "utf8")).toBe(USER_TOKEN);
      expect(sidecar.output()).not.toContain(USER_TOKEN);
    });

    it.each(CLIENT_KINDS)(
      "%s code that names the container provider acts as the role, execution keys in its environment",
      async (kind) => {
        const env = clientEnv({
          ...sandboxEnv(runtime),
          AWS_ENDPOINT_URL: moto.endpoint,
          AWS_CONTAINER_CREDENTIALS_FULL_URI: fullUri,
          AWS_CONTAINER_AUTHORIZATION_TOKEN: USER_TOKEN,
        });
        const run = await runFunction([interpreter(kind), EXPLICIT[kind], "container"], env);

        const result = lastJsonLine<{ arn: string; envKeys: boolean }>(run);
        expect(result.envKeys).toBe(true);
        expect(result.arn).toMatch(assumedRole("reader"));
      },
    );

    // The same through the default chain, with DynamoDB and S3 checks: an environment holding only the
    // container variables is what naming the provider amounts to (with the execution role's keys there,
    // every SDK's default chain would pick those).
    it.each(CLIENT_KINDS)("%s code given only the container variables acts as the role", async (kind) => {
      const env = clientEnv({
        ...whoamiEnv(moto),
        AWS_CONTAINER_CREDENTIALS_FULL_URI: fullUri,
        AWS_CONTAINER_AUTHORIZATION_TOKEN: USER_TOKEN,
      });
      const run: FunctionRun = await runFunction([interpreter(kind), CLIENT_SCRIPTS[kind]], env);

      const result = lastJsonLine<WhoamiResult>(run);
      expect(result.arn).toMatch(assumedRole("reader"));
      expect(result.dynamodb).toBe("allowed");
      expect(result.s3).toBe("denied:AccessDenied");
    });
  });
});
