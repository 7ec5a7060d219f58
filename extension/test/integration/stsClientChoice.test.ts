/**
 * Which AssumeRole client the bundled extension really uses, per environment (sts/assumerChoice.ts,
 * sts/stsEndpoint.ts): its own direct client for keys in the environment, the AWS SDK's STS client
 * for everything only the SDK resolves. A proxy in front of moto records each AssumeRole's User-Agent,
 * which tells the two apart; every row must still serve the role's moto-issued credentials.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MockRuntimeApi, startMockRuntimeApi } from "../../devkit/mockRuntimeApi/mockRuntimeApi.js";
import { PERMANENT_BACKOFF } from "../../src/roles/refreshPolicy.js";
import { type ExtensionProcess, startExtension } from "../support/extensionProcess.js";
import { type MotoEnvironment, startMoto } from "../support/moto.js";
import { getRole } from "../support/sidecarUnderFaults.js";
import { stsClient } from "../support/stsClient.js";
import { type StsRecordingProxy, startStsRecordingProxy } from "../support/stsRecordingProxy.js";

const EXTENSION = "credentials-sidecar";
const FUNCTION_NAME = "choice-fn";
/** directStsAssumer.ts's User-Agent, and the JS SDK v3's. */
const CLIENTS = {
  direct: /^credentials-sidecar\/\S+ lang\/js md\/nodejs#/,
  sdk: /^aws-sdk-js\/\d/,
} as const;
type Client = keyof typeof CLIENTS;

let moto: MotoEnvironment;
let proxy: StsRecordingProxy;
let dir: string;

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startStsRecordingProxy(moto.endpoint);
  dir = mkdtempSync(join(tmpdir(), "sts-client-choice-"));
});

afterAll(async () => {
  await proxy?.close();
  await moto?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A file in the test's folder with `content`; its path. */
function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** A shared credentials file with profile `base`: moto's base user. */
const credentialsFile = () =>
  file(
    "credentials",
    `[base]\naws_access_key_id = ${moto.base.accessKeyId}\naws_secret_access_key = ${moto.base.secretAccessKey}\n`,
  );

/** [row, client, the variables on top of keys in the environment (undefined removes one)] */
const ROWS: [string, Client, () => Record<string, string | undefined>][] = [
  // No AWS_CONFIG_FILE: ~/.aws/config in the process's fresh HOME, which does not exist.
  ["keys in the environment only", "direct", () => ({ AWS_CONFIG_FILE: undefined })],
  [
    "keys + a shared config file with content",
    "sdk",
    () => ({ AWS_CONFIG_FILE: file("config", "[default]\nregion = us-east-1\n") }),
  ],
  [
    "keys + AWS_CONFIG_FILE naming a missing file",
    "direct",
    () => ({ AWS_CONFIG_FILE: join(dir, "no-such-config") }),
  ],
  // As the code rules (sharedConfigFileHasContent): an empty file changes nothing for the SDK.
  ["keys + an empty shared config file", "direct", () => ({ AWS_CONFIG_FILE: file("empty-config", "") })],
  [
    "no keys in the environment, a profile in a shared credentials file",
    "sdk",
    () => ({
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_PROFILE: "base",
      AWS_SHARED_CREDENTIALS_FILE: credentialsFile(),
    }),
  ],
  // A profile named makes the SDK skip keys in the environment (environmentKeys follows it).
  [
    "keys + AWS_PROFILE naming a profile in a shared credentials file",
    "sdk",
    () => ({ AWS_PROFILE: "base", AWS_SHARED_CREDENTIALS_FILE: credentialsFile() }),
  ],
  ["keys + AWS_STS_REGIONAL_ENDPOINTS=regional", "sdk", () => ({ AWS_STS_REGIONAL_ENDPOINTS: "regional" })],
];

interface Started {
  readonly runtime: MockRuntimeApi;
  readonly sidecar: ExtensionProcess;
  /** The User-Agents of the calls the proxy forwarded since this start. */
  calls(): string[];
  get(): ReturnType<typeof getRole>;
  stop(): Promise<void>;
}

/** The bundle against a fresh mock Runtime API, STS behind the proxy, role `default` = moto's reader. */
async function start(overlay: Record<string, string | undefined>): Promise<Started> {
  const runtime = await startMockRuntimeApi({ functionName: FUNCTION_NAME });
  const before = proxy.calls.length;
  const sidecar = await startExtension({
    env: {
      AWS_LAMBDA_RUNTIME_API: runtime.address,
      AWS_LAMBDA_FUNCTION_NAME: FUNCTION_NAME,
      AWS_LAMBDA_FUNCTION_VERSION: "1",
      AWS_REGION: moto.region,
      AWS_ACCESS_KEY_ID: moto.base.accessKeyId,
      AWS_SECRET_ACCESS_KEY: moto.base.secretAccessKey,
      AWS_ENDPOINT_URL_STS: proxy.url,
      CREDENTIALS_SIDECAR_ROLE_ARN: moto.roles.reader,
      ...overlay,
    },
  });
  await runtime.waitForRegistered(EXTENSION);
  const token = readFileSync(join(sidecar.runtimeDir, "token"), "utf8");
  return {
    runtime,
    sidecar,
    calls: () => proxy.calls.slice(before).map((call) => call.userAgent),
    get: () => getRole(sidecar.port, "default", token),
    async stop() {
      sidecar.kill();
      await sidecar.exited(5000).catch(() => undefined);
      await runtime.close();
    },
  };
}

describe("the AssumeRole client the bundled extension picks", () => {
  it.each(ROWS)(
    "%s: the %s client assumes the role, its credentials are served",
    async (_row, client, overlay) => {
      // Prepare
      const run = await start(overlay());
      try {
        // One INVOKE: the extension is past init, where it assumed the role.
        run.runtime.invoke({});
        await run.runtime.waitForIdle(EXTENSION);

        // Act
        const answer = await run.get();

        // Assess: the AssumeRole went through the proxy, from the expected client only
        const calls = run.calls();
        expect(calls.length, run.sidecar.output()).toBeGreaterThan(0);
        for (const userAgent of calls) expect(userAgent).toMatch(CLIENTS[client]);
        expect(answer.status, answer.text).toBe(200);
        expect(answer.body.AccessKeyId).not.toBe(moto.base.accessKeyId);
        // The served keys are the session moto issued for the role (asked of moto itself, not the proxy).
        const identity = await stsClient(moto.endpoint, {
          accessKeyId: answer.body.AccessKeyId ?? "",
          secretAccessKey: answer.body.SecretAccessKey ?? "",
          sessionToken: answer.body.Token ?? "",
        }).send(new GetCallerIdentityCommand({}));
        expect(identity.Arn).toMatch(/^arn:aws:sts::\d{12}:assumed-role\/reader\//);
        expect(run.runtime.errors).toEqual([]);
      } finally {
        await run.stop();
      }
    },
  );

  // Settings only the SDK resolves, which its rules refuse: the direct client would have called the
  // proxy, so the refusal is the sign of the SDK's client. Permanent: logged as an error, not retried
  // soon, answered 500 with the SDK's reason (issue 19 §3: these were retried for ever as retryable).
  it.each([
    [
      "AWS_USE_FIPS_ENDPOINT=true",
      { AWS_USE_FIPS_ENDPOINT: "true" },
      "EndpointError",
      "Invalid Configuration: FIPS and custom endpoint are not supported",
    ],
    [
      "AWS_USE_DUALSTACK_ENDPOINT=true",
      { AWS_USE_DUALSTACK_ENDPOINT: "true" },
      "EndpointError",
      "Invalid Configuration: Dualstack and custom endpoint are not supported",
    ],
    // No custom endpoint here: with one, the SDK sends to it whatever the region.
    [
      "AWS_REGION=eu west 1, no custom endpoint",
      { AWS_REGION: "eu west 1", AWS_ENDPOINT_URL_STS: undefined },
      "InvalidRegion",
      "Region not accepted",
    ],
    [
      "an AWS_ENDPOINT_URL_STS that is no URL",
      { AWS_ENDPOINT_URL_STS: "http://sts.exa mple.com" },
      "InvalidEndpointUrl",
      "Invalid URL",
    ],
  ])(
    "keys + %s: the SDK's client takes the role, refuses the settings, and the failure is permanent",
    async (_row, overlay, code, reason) => {
      // Prepare
      const run = await start(overlay);
      try {
        // Act: the first outcome either way, so a wrong choice fails at once (as "assumed")
        const outcome = await run.sidecar.waitForLog((line) =>
          ["assumed", "assume-failed"].includes(String(line.event)),
        );
        const answer = await run.get();

        // Assess
        expect(outcome).toMatchObject({ event: "assume-failed", role: "default", level: "error", code });
        expect(outcome).toMatchObject({ retryable: false });
        expect(String(outcome.error)).toContain(reason);
        expect(outcome.backoffMs).toBeGreaterThanOrEqual(PERMANENT_BACKOFF.floorMs);
        expect(run.calls()).toEqual([]);
        expect(answer.status, answer.text).toBe(500);
        expect(answer.retryAfter).toBeNull();
        expect(answer.body.Code).toBe(code);
        expect(answer.body.Message).toContain(reason);
      } finally {
        await run.stop();
      }
    },
  );
});
