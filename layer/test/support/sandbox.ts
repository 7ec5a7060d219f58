/**
 * A Lambda sandbox as the layer tests play it: a mock Runtime API, the extension started from a folder
 * playing /opt (`<opt>/extensions/credentials-sidecar`) with the sandbox's environment, roles assumed
 * in moto. Used by the layer's end-to-end, SDK-client and container-image tests.
 */
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  type MockRuntimeApi,
  startMockRuntimeApi,
} from "../../../extension/devkit/mockRuntimeApi/mockRuntimeApi.js";
import { type ExtensionProcess, startExtension } from "../../../extension/test/support/extensionProcess.js";
import type { MotoEnvironment } from "../../../extension/test/support/moto.js";

export const EXTENSION = "credentials-sidecar";
export const FUNCTION_NAME = "orders-handler";
export const FUNCTION_VERSION = "3";

export interface ExecutionKeys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** What Lambda gives every process in the sandbox, extension and runtime alike. */
export function sandboxEnv(
  runtime: MockRuntimeApi,
  moto: MotoEnvironment,
  keys: ExecutionKeys = moto.base,
): Record<string, string> {
  return {
    AWS_LAMBDA_RUNTIME_API: runtime.address,
    AWS_LAMBDA_FUNCTION_NAME: FUNCTION_NAME,
    AWS_LAMBDA_FUNCTION_VERSION: FUNCTION_VERSION,
    AWS_REGION: moto.region,
    AWS_ACCESS_KEY_ID: keys.accessKeyId,
    AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
    ...(keys.sessionToken === undefined ? {} : { AWS_SESSION_TOKEN: keys.sessionToken }),
  };
}

/** The ARN pattern of a role the sidecar assumed for this function (its generated session name). */
export function assumedRole(moto: MotoEnvironment, role: string): RegExp {
  return new RegExp(
    `^arn:aws:sts::${moto.accountId}:assumed-role/${role}/${FUNCTION_NAME}\\.${FUNCTION_VERSION}\\.`,
  );
}

export interface Sandbox {
  runtime: MockRuntimeApi;
  sidecar: ExtensionProcess;
}

/** Every sandbox a test file started, to stop them all in afterAll. */
export class Sandboxes {
  private readonly runtimes: MockRuntimeApi[] = [];
  private readonly extensions: ExtensionProcess[] = [];

  /**
   * Starts `<opt>/extensions/credentials-sidecar` as Lambda would, with the sandbox's environment plus
   * `functionConfig`, and waits until it has handled the first INVOKE.
   */
  async start(
    opt: string,
    moto: MotoEnvironment,
    functionConfig: Record<string, string>,
    /** timeoutMs: how long register and the first INVOKE may take (default: the mock's 10 s; qemu needs more). */
    options: { port?: number; keys?: ExecutionKeys; timeoutMs?: number } = {},
  ): Promise<Sandbox> {
    const runtime = await startMockRuntimeApi({
      functionName: FUNCTION_NAME,
      functionVersion: FUNCTION_VERSION,
    });
    this.runtimes.push(runtime);
    const sidecar = await startExtension({
      command: [join(opt, "extensions", EXTENSION)],
      ...(options.port === undefined ? {} : { port: options.port }),
      env: {
        ...sandboxEnv(runtime, moto, options.keys),
        // moto plays STS; a real function would not set this.
        AWS_ENDPOINT_URL_STS: moto.endpoint,
        ...functionConfig,
      },
    });
    this.extensions.push(sidecar);
    try {
      await runtime.waitForRegistered(EXTENSION, options.timeoutMs);
      runtime.invoke({ hello: "layer" });
      await runtime.waitForIdle(EXTENSION, options.timeoutMs);
    } catch (error) {
      throw new Error(`${(error as Error).message}\nextension output:\n${sidecar.output()}`);
    }
    return { runtime, sidecar };
  }

  async closeAll(): Promise<void> {
    for (const sidecar of this.extensions) sidecar.kill();
    await Promise.all([
      ...this.extensions.map((sidecar) => sidecar.exited(5_000).catch(() => undefined)),
      ...this.runtimes.map((runtime) => runtime.close()),
    ]);
    for (const sidecar of this.extensions) {
      rmSync(dirname(sidecar.runtimeDir), { recursive: true, force: true });
    }
  }
}
