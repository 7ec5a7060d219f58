/**
 * Tenant isolation mode with the built layer: two execution environments (each its own mock Runtime
 * API, sidecar and recording proxy in front of moto) invoked for two tenants. The sidecar learns each
 * environment's tenant id from its Telemetry API subscription (platform.start), and every AssumeRole
 * STS receives carries that environment's tenant, in its tags and its session name; the identity the
 * function's SDK gets (GetCallerIdentity through the wrapper) says the same. moto evaluates no IAM
 * conditions, so the scoping is proven where it can be seen: on the wire to STS and in the identity.
 * Also: before any invocation a tenant-scoped role answers the bounded wait's error, and a second
 * tenant id in one environment refuses the role from then on.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type MockRuntimeApi,
  type MockRuntimeApiOptions,
  startMockRuntimeApi,
} from "../../extension/devkit/mockRuntimeApi/mockRuntimeApi.js";
import {
  CLIENT_SCRIPTS,
  type ClientKind,
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

const FUNCTION_NAME = "tenant-handler";
const TENANTS = ["blue", "green"] as const;

interface Environment {
  readonly tenant: string;
  readonly runtime: MockRuntimeApi;
  readonly proxy: StsRecordingProxy;
  readonly sidecar: ExtensionProcess;
  readonly functionEnv: Record<string, string>;
}

describe.runIf(process.platform === "linux")("tenant isolation mode, built layer", () => {
  let work: string;
  let opt: string;
  let moto: MotoEnvironment;
  const environments: Environment[] = [];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "layer-tenant-"));
    const started = await layerBesideMoto(work);
    moto = started.moto;
    opt = extractLayer(started.layer.entries, join(work, "opt"));
    writeFileSync(
      join(work, "config.yaml"),
      [
        "roles:",
        "  reader:",
        `    RoleArn: ${moto.roles.reader}`,
        `    RoleSessionName: tenant-\${tenantId}`,
        "    Tags:",
        `      tenant: \${tenantId}`,
        "      app: orders",
        "    TransitiveTagKeys: [tenant]",
        "",
      ].join("\n"),
    );
  });

  afterAll(async () => {
    for (const { sidecar } of environments) sidecar.kill();
    await Promise.all(
      environments.flatMap(({ sidecar, runtime, proxy }) => [
        sidecar.exited(5_000).catch(() => undefined),
        runtime.close(),
        proxy.close(),
      ]),
    );
    await moto?.stop();
    for (const { sidecar } of environments)
      rmSync(dirname(sidecar.runtimeDir), { recursive: true, force: true });
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** One execution environment: its own Runtime API, sidecar and view of STS. */
  async function startEnvironment(
    tenant: string,
    configEnv?: Record<string, string>,
    mockOptions: MockRuntimeApiOptions = {},
  ): Promise<Environment> {
    const runtime = await startMockRuntimeApi({ functionName: FUNCTION_NAME, ...mockOptions });
    const proxy = await startStsRecordingProxy(moto.endpoint);
    const wrapper = join(opt, "credentials-sidecar", "wrapper");
    const sandbox = {
      AWS_LAMBDA_RUNTIME_API: runtime.address,
      AWS_LAMBDA_FUNCTION_NAME: FUNCTION_NAME,
      AWS_LAMBDA_EXEC_WRAPPER: wrapper,
      AWS_REGION: moto.region,
      AWS_ACCESS_KEY_ID: moto.base.accessKeyId,
      AWS_SECRET_ACCESS_KEY: moto.base.secretAccessKey,
    };
    const sidecar = await startExtension({
      command: [join(opt, "extensions", "credentials-sidecar")],
      env: {
        ...sandbox,
        AWS_ENDPOINT_URL_STS: proxy.url,
        ...(configEnv ?? { CREDENTIALS_SIDECAR_CONFIG: join(work, "config.yaml") }),
      },
    });
    const environment: Environment = {
      tenant,
      runtime,
      proxy,
      sidecar,
      functionEnv: clientEnv({
        ...sandbox,
        ...whoamiEnv(moto),
        CREDENTIALS_SIDECAR_RUNTIME_DIR: sidecar.runtimeDir,
      }),
    };
    environments.push(environment);
    await runtime.waitForRegistered("credentials-sidecar");
    if (configEnv !== undefined || mockOptions.withoutTelemetryApi) return environment;
    await runtime.waitForTelemetrySubscription("credentials-sidecar");
    await sidecar.waitForLog((line) => line.event === "tenant-subscribed");
    return environment;
  }

  /** GET /roles/<name> as an SDK would: status and body. */
  async function askRole(environment: Environment, role: string): Promise<{ status: number; body: unknown }> {
    const dir = environment.sidecar.runtimeDir;
    const url = `${readFileSync(join(dir, "roles-url"), "utf8")}${role}`;
    const response = await fetch(url, {
      headers: { authorization: readFileSync(join(dir, "token"), "utf8") },
    });
    return { status: response.status, body: await response.json() };
  }

  /** The function's code: boto3 or the JS SDK's default chain, through the layer's wrapper. */
  function whoami(environment: Environment, kind: ClientKind) {
    const wrapper = join(opt, "credentials-sidecar", "wrapper");
    const command =
      kind === "python" ? ["python3", CLIENT_SCRIPTS.python] : [process.execPath, CLIENT_SCRIPTS.node];
    return runFunction(command, environment.functionEnv, wrapper);
  }

  it("serves each environment credentials tagged and named with its own tenant, and none before it is known", async () => {
    // Prepare
    const [blue, green] = await Promise.all(TENANTS.map((tenant) => startEnvironment(tenant)));
    if (blue === undefined || green === undefined) throw new Error("two environments expected");

    // Act: before any invocation (the init phase) the tenant is unknown: the bounded wait's error.
    const early = await askRole(blue, "reader");
    const assumesBeforeInvoke = blue.proxy.assumeRoles().length;
    for (const environment of [blue, green]) {
      environment.runtime.invoke({}, { tenantId: environment.tenant });
    }
    // The extension takes its next event only once the id came and the role is assumed (the INVOKE
    // wait), so the sandbox is not frozen in between.
    await Promise.all(
      [blue, green].map((environment) => environment.runtime.waitForIdle("credentials-sidecar")),
    );
    const assumedByIdle = [blue, green].map((environment) => environment.proxy.assumeRoles().length);
    const runs = await Promise.all([whoami(blue, "python"), whoami(green, "node")]);

    // Assess
    expect(early.status).toBe(503);
    expect(early.body).toMatchObject({ Code: "TenantIdUnknown" });
    expect((early.body as { Message: string }).Message).toMatch(/no tenant id has arrived within 800 ms/);
    expect(assumesBeforeInvoke).toBe(0);
    expect(assumedByIdle).toEqual([1, 1]);
    for (const [index, environment] of [blue, green].entries()) {
      const run = runs[index];
      if (run === undefined) throw new Error("a run per environment expected");
      expect(lastJsonLine<WhoamiResult>(run).arn).toBe(
        `arn:aws:sts::${moto.accountId}:assumed-role/reader/tenant-${environment.tenant}`,
      );
      const assumed = environment.proxy.assumeRoles();
      expect(assumed.length).toBeGreaterThan(0);
      for (const { form } of assumed) {
        expect(form.get("RoleSessionName")).toBe(`tenant-${environment.tenant}`);
        expect(tagsOf(form)).toEqual({ tenant: environment.tenant, app: "orders" });
        expect(form.get("TransitiveTagKeys.member.1")).toBe("tenant");
      }
    }
  });

  it("refuses the tenant-scoped role for good once a second tenant id shows up in one environment", async () => {
    // Prepare: an environment that served blue.
    const environment = await startEnvironment("blue");
    environment.runtime.invoke({}, { tenantId: "blue" });
    await environment.sidecar.waitForLog((line) => line.event === "assumed");
    const served = await askRole(environment, "reader");
    const assumedBefore = environment.proxy.assumeRoles().length;

    // Act: the platform's promise broken: another tenant in the same environment.
    environment.runtime.invoke({}, { tenantId: "red" });
    const conflict = await environment.sidecar.waitForLog((line) => line.event === "tenant-conflict");
    const refused = await askRole(environment, "reader");

    // Assess
    expect(served.status).toBe(200);
    expect(conflict).toMatchObject({ level: "error", tenantId: "blue", secondTenantId: "red" });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ Code: "TenantConflict" });
    expect(environment.proxy.assumeRoles().length).toBe(assumedBefore);
    for (const { form } of environment.proxy.assumeRoles()) expect(tagsOf(form).tenant).toBe("blue");
  });

  it("subscribes to nothing and waits for no tenant when no role uses the tenant placeholder (control)", async () => {
    // Prepare: the same role without the placeholder.
    const environment = await startEnvironment("blue", { CREDENTIALS_SIDECAR_ROLE_ARN: moto.roles.reader });
    await environment.sidecar.waitForLog((line) => line.event === "assumed");

    // Act
    environment.runtime.invoke({}, { tenantId: "blue" });
    await environment.runtime.waitForIdle("credentials-sidecar");
    const served = await askRole(environment, "default");

    // Assess
    expect(served.status).toBe(200);
    expect(environment.runtime.telemetrySubscriptions).toEqual([]);
    expect(environment.sidecar.logs.filter((line) => String(line.event).startsWith("tenant"))).toEqual([]);
    expect(tagsOf(environment.proxy.assumeRoles()[0]?.form ?? new URLSearchParams())).toEqual({});
  });

  it("refuses tenant-scoped roles, and says why, where there is no Telemetry API (the RIE, sam local)", async () => {
    // Prepare
    const environment = await startEnvironment("blue", undefined, { withoutTelemetryApi: true });
    const unavailable = await environment.sidecar.waitForLog((line) => line.event === "tenant-unavailable");

    // Act
    environment.runtime.invoke({}, { tenantId: "blue" });
    const refused = await askRole(environment, "reader");

    // Assess
    expect(unavailable).toMatchObject({ level: "error" });
    expect(String(unavailable.error)).toMatch(
      /Telemetry API subscription, which brings the tenant id, was refused: 404/,
    );
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ Code: "TenantIdUnavailable" });
    expect(environment.proxy.assumeRoles()).toEqual([]);
  });
});

/** The session tags of an AssumeRole form: `Tags.member.N.Key` / `.Value`. */
function tagsOf(form: URLSearchParams): Record<string, string> {
  const tags: Record<string, string> = {};
  for (let n = 1; form.has(`Tags.member.${n}.Key`); n++) {
    tags[form.get(`Tags.member.${n}.Key`) as string] = form.get(`Tags.member.${n}.Value`) ?? "";
  }
  return tags;
}
