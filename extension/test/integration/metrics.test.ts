/** CREDENTIALS_SIDECAR_METRICS=emf: CloudWatch EMF lines from the bundled extension, never a secret. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type MockRuntimeApi, startMockRuntimeApi } from "../../devkit/mockRuntimeApi/mockRuntimeApi.js";
import { type StsStandIn, startStsStandIn } from "../../devkit/stsStandIn/stsStandIn.js";
import { type ExtensionProcess, startExtension } from "../support/extensionProcess.js";

let sts: StsStandIn;
let runtime: MockRuntimeApi;
let sidecar: ExtensionProcess;

beforeAll(async () => {
  sts = await startStsStandIn({ deniedRoles: ["denied"] });
  runtime = await startMockRuntimeApi();
  sidecar = await startExtension({
    env: {
      AWS_LAMBDA_RUNTIME_API: runtime.address,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: sts.base.accessKeyId,
      AWS_SECRET_ACCESS_KEY: sts.base.secretAccessKey,
      AWS_ENDPOINT_URL_STS: sts.endpoint,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      CREDENTIALS_SIDECAR_METRICS: "emf",
      CREDENTIALS_SIDECAR_ROLE_ARN: `arn:aws:iam::${sts.accountId}:role/app`,
    },
  });
  await runtime.waitForRegistered("credentials-sidecar");
});

afterAll(async () => {
  sidecar?.kill();
  await runtime?.close();
  await sts?.close();
});

const emf = (name: string) =>
  sidecar.logs.filter((line) => {
    const aws = line._aws as { CloudWatchMetrics?: { Metrics: { Name: string }[] }[] } | undefined;
    return aws?.CloudWatchMetrics?.[0]?.Metrics.some((metric) => metric.Name === name) ?? false;
  });

it("writes an AssumeRole metric, and the requests served since the last INVOKE on the next one", async () => {
  const token = readFileSync(join(sidecar.runtimeDir, "token"), "utf8");
  const url = `http://127.0.0.1:${sidecar.port}/roles/default`;
  for (let i = 0; i < 3; i++)
    expect((await fetch(url, { headers: { authorization: token } })).status).toBe(200);
  expect((await fetch(url, { headers: { authorization: "wrong-token" } })).status).toBe(403);

  runtime.invoke();
  await runtime.waitForIdle("credentials-sidecar");

  const assumed = await sidecar.waitForLog((line) => line.AssumeRole === 1);
  expect(assumed.Role).toBe("default");
  expect(typeof assumed.AssumeRoleDuration).toBe("number");
  const served = emf("CredentialsServed");
  // A refused token never reaches a role, so only the three authorised requests count.
  expect(served.map((line) => [line.Role, line.CredentialsServed, line.CredentialsRefused])).toEqual([
    ["default", 3, 0],
  ]);
  const served200 = (await (await fetch(url, { headers: { authorization: token } })).json()) as Record<
    string,
    string
  >;
  for (const secret of [served200.SecretAccessKey, served200.Token, token])
    expect(sidecar.output()).not.toContain(secret);
});
