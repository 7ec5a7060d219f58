/**
 * Session names that lead to the log stream (README "Session names and traceability"), with the built
 * layer: the wrapper reports AWS_LAMBDA_LOG_STREAM_NAME, and the sidecar's first AssumeRole (held back
 * at most 15 ms for it) carries the log stream's id in its RoleSessionName and, with
 * generateSourceIdentity, in its SourceIdentity. moto plays STS behind a recording proxy, so the test
 * sees what went over the wire.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type MockRuntimeApi,
  startMockRuntimeApi,
} from "../../extension/devkit/mockRuntimeApi/mockRuntimeApi.js";
import {
  CLIENT_SCRIPTS,
  clientEnv,
  type WhoamiResult,
  whoamiEnv,
} from "../../extension/test/support/clients.js";
import { type ExtensionProcess, startExtension } from "../../extension/test/support/extensionProcess.js";
import type { MotoEnvironment } from "../../extension/test/support/moto.js";
import {
  type StsRecordingProxy,
  startStsRecordingProxy,
} from "../../extension/test/support/stsRecordingProxy.js";
import { extractLayer, lastJsonLine, layerBesideMoto, runFunction } from "./support/layer.js";

const FUNCTION_NAME = "orders-handler";
const FUNCTION_VERSION = "3";
const ENVIRONMENT_ID = "7dbe525574b94441ab09ec8ae6d724be";
const LOG_STREAM_NAME = `2026/12/01/[${FUNCTION_VERSION}]${ENVIRONMENT_ID}`;

describe.runIf(process.platform === "linux")("session names from the log stream, built layer", () => {
  let work: string;
  let opt: string;
  let moto: MotoEnvironment;
  let proxy: StsRecordingProxy;
  let runtime: MockRuntimeApi | undefined;
  let sidecar: ExtensionProcess | undefined;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "layer-session-names-"));
    const started = await layerBesideMoto(work);
    moto = started.moto;
    opt = extractLayer(started.layer.entries, join(work, "opt"));
    proxy = await startStsRecordingProxy(moto.endpoint);
  });

  afterAll(async () => {
    sidecar?.kill();
    await Promise.all([
      sidecar?.exited(5_000).catch(() => undefined),
      runtime?.close(),
      moto?.stop(),
      proxy?.close(),
    ]);
    if (sidecar) rmSync(dirname(sidecar.runtimeDir), { recursive: true, force: true });
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("names the first session, and its SourceIdentity, after the log stream the wrapper reports", async () => {
    // Prepare: Lambda starts the runtime (through the wrapper) once every extension registered; the
    // mock holds the register answer until the wrapper ran, so the report is there when it returns.
    let answerRegistrations: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      answerRegistrations = resolve;
    });
    runtime = await startMockRuntimeApi({
      functionName: FUNCTION_NAME,
      functionVersion: FUNCTION_VERSION,
      holdRegistrationReplies: held,
    });
    const wrapper = join(opt, "credentials-sidecar", "wrapper");
    const sandbox = {
      AWS_LAMBDA_RUNTIME_API: runtime.address,
      AWS_LAMBDA_FUNCTION_NAME: FUNCTION_NAME,
      AWS_LAMBDA_FUNCTION_VERSION: FUNCTION_VERSION,
      AWS_LAMBDA_EXEC_WRAPPER: wrapper,
      AWS_REGION: moto.region,
      AWS_ACCESS_KEY_ID: moto.base.accessKeyId,
      AWS_SECRET_ACCESS_KEY: moto.base.secretAccessKey,
    };
    sidecar = await startExtension({
      command: [join(opt, "extensions", "credentials-sidecar")],
      env: {
        ...sandbox,
        AWS_ENDPOINT_URL_STS: proxy.url,
        CREDENTIALS_SIDECAR_ROLE_ARN: moto.roles.reader,
        CREDENTIALS_SIDECAR_GENERATE_SOURCE_IDENTITY: "true",
      },
    });
    await runtime.waitForRegistered("credentials-sidecar");
    const functionEnv = clientEnv({
      ...sandbox,
      ...whoamiEnv(moto),
      AWS_LAMBDA_LOG_STREAM_NAME: LOG_STREAM_NAME,
      CREDENTIALS_SIDECAR_RUNTIME_DIR: sidecar.runtimeDir,
    });
    const runtimeStart = await runFunction(["true"], functionEnv, wrapper);
    expect(runtimeStart.exitCode, runtimeStart.stderr).toBe(0);

    // Act
    answerRegistrations();
    const started = sidecar.logs[0];
    const adopted = await sidecar.waitForLog((line) => line.event === "log-stream");
    await sidecar.waitForLog((line) => line.event === "assumed");
    const run = await runFunction(["python3", CLIENT_SCRIPTS.python], functionEnv, wrapper);

    // Assess
    const expected = `${FUNCTION_NAME}.${FUNCTION_VERSION}.${ENVIRONMENT_ID}`;
    expect(started?.instanceId).not.toBe(ENVIRONMENT_ID);
    expect(adopted.sessionName).toBe(expected);
    expect(lastJsonLine<WhoamiResult>(run).arn).toBe(
      `arn:aws:sts::${moto.accountId}:assumed-role/reader/${expected}`,
    );
    expect(
      proxy.assumeRoles().map(({ form }) => [form.get("RoleSessionName"), form.get("SourceIdentity")]),
    ).toEqual([[expected, expected]]);
  });
});
