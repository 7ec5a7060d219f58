/**
 * The bundled extension as Lambda runs it: a child process against the mock Runtime API, assuming
 * roles in moto with IAM enforced, serving boto3 and the JS SDK v3 through their container providers.
 */
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type MockRuntimeApi, startMockRuntimeApi } from "../../devkit/mockRuntimeApi/mockRuntimeApi.js";
import { CLIENT_KINDS, execClient, runClient, whoamiEnv } from "../support/clients.js";
import { type ExtensionProcess, startExtension } from "../support/extensionProcess.js";
import { type MotoEnvironment, startMoto } from "../support/moto.js";

const FUNCTION_NAME = "orders-handler";
const EXTENSION = "credentials-sidecar";

let moto: MotoEnvironment;
let runtime: MockRuntimeApi;
let sidecar: ExtensionProcess;
let configDir: string;

let configFiles = 0;
function configFile(yaml: string): string {
  configFiles += 1;
  const path = join(configDir, `config-${configFiles}.yaml`);
  writeFileSync(path, yaml);
  return path;
}

function lambdaEnv(runtimeApi: MockRuntimeApi, extra: Record<string, string>): Record<string, string> {
  return {
    AWS_LAMBDA_RUNTIME_API: runtimeApi.address,
    AWS_LAMBDA_FUNCTION_NAME: FUNCTION_NAME,
    AWS_LAMBDA_FUNCTION_VERSION: "7",
    AWS_REGION: moto.region,
    AWS_ACCESS_KEY_ID: moto.base.accessKeyId,
    AWS_SECRET_ACCESS_KEY: moto.base.secretAccessKey,
    AWS_ENDPOINT_URL_STS: moto.endpoint,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    ...extra,
  };
}

function token(): string {
  return readFileSync(join(sidecar.runtimeDir, "token"), "utf8");
}

function containerEnv(role: string): Record<string, string> {
  return {
    ...whoamiEnv(moto),
    AWS_CONTAINER_CREDENTIALS_FULL_URI: `http://127.0.0.1:${sidecar.port}/roles/${role}`,
    AWS_CONTAINER_AUTHORIZATION_TOKEN: token(),
  };
}

beforeAll(async () => {
  moto = await startMoto();
  configDir = (await import("node:fs")).mkdtempSync(
    join((await import("node:os")).tmpdir(), "sidecar-config-"),
  );
});

afterAll(async () => {
  await moto?.stop();
});

describe("a function's SDKs get the configured roles", () => {
  beforeAll(async () => {
    runtime = await startMockRuntimeApi({ functionName: FUNCTION_NAME });
    const config = configFile(`
default: reader
roles:
  reader:
    RoleArn: ${moto.roles.reader}
  chained:
    RoleArn: ${moto.roles.chained}
    source: reader
    DurationSeconds: 900
  forbidden:
    RoleArn: ${moto.roles.forbidden}
`);
    sidecar = await startExtension({ env: lambdaEnv(runtime, { CREDENTIALS_SIDECAR_CONFIG: config }) });
    await runtime.waitForRegistered(EXTENSION);
    runtime.invoke({ hello: "world" });
    await runtime.waitForIdle(EXTENSION);
  });

  afterAll(async () => {
    sidecar?.kill();
    await runtime?.close();
  });

  it("registers with the Extensions API under its file name, asking for no feature it does not use", async () => {
    const registration = await runtime.waitForRegistered(EXTENSION);
    expect(registration.events).toEqual(["INVOKE", "SHUTDOWN"]);
    // The account id (Lambda-Extension-Accept-Feature: accountId) is not used: not asked for.
    expect(registration.headers["lambda-extension-accept-feature"]).toBeUndefined();
  });

  it("leaves the token for the wrapper in a private folder, without a trailing newline", () => {
    expect(statSync(sidecar.runtimeDir).mode & 0o777).toBe(0o700);
    const tokenPath = join(sidecar.runtimeDir, "token");
    expect(statSync(tokenPath).mode & 0o777).toBe(0o600);
    expect(token()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(readFileSync(join(sidecar.runtimeDir, "default-role"), "utf8")).toBe("reader");
    expect(readFileSync(join(sidecar.runtimeDir, "roles-url"), "utf8")).toBe(
      `http://127.0.0.1:${sidecar.port}/roles/`,
    );
  });

  it("given port 0, binds a free one and reports it: on the line after start, and in roles-url", async () => {
    const [start, listening] = sidecar.logs;
    expect(start?.event).toBe("start");
    expect(listening).toMatchObject({ level: "info", event: "listening", port: expect.any(Number) });
    const port = listening?.port as number;
    expect(port).toBeGreaterThan(0);
    expect(readFileSync(join(sidecar.runtimeDir, "roles-url"), "utf8")).toBe(
      `http://127.0.0.1:${port}/roles/`,
    );
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
  });

  it("names its roles at /health only to the token holder: others see the overall status", async () => {
    const health = (headers: Record<string, string>) =>
      fetch(`http://127.0.0.1:${sidecar.port}/health`, { headers }).then(async (response) => ({
        status: response.status,
        body: await response.text(),
      }));

    const withToken = await health({ authorization: token() });
    const without = await health({});
    const wrong = await health({ authorization: `${token()}x` });

    // The control: the role names are there to be hidden
    expect(withToken.status).toBe(200);
    expect(Object.keys(JSON.parse(withToken.body).roles).sort()).toEqual(["chained", "forbidden", "reader"]);
    for (const answer of [without, wrong]) {
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toEqual({ status: "ok" });
    }
  });

  it.each(CLIENT_KINDS)("%s SDK acts as the assumed role, with a Lambda-aware session name", async (kind) => {
    const instanceId = (await sidecar.waitForLog((line) => line.event === "start")).instanceId as string;
    const result = await runClient(kind, containerEnv("reader"));
    expect(result.arn).toBe(
      `arn:aws:sts::${moto.accountId}:assumed-role/reader/${FUNCTION_NAME}.7.${instanceId}`,
    );
    expect(result.dynamodb).toBe("allowed");
    expect(result.s3).toMatch(/^denied:AccessDenied/);
  });

  it.each(CLIENT_KINDS)("%s SDK gets a role chained from another", async (kind) => {
    const result = await runClient(kind, {
      ...containerEnv("chained"),
      WHOAMI_TABLE: undefined,
      WHOAMI_BUCKET: undefined,
    });
    expect(result.arn).toMatch(
      new RegExp(`^arn:aws:sts::${moto.accountId}:assumed-role/chained/${FUNCTION_NAME}\\.7\\.`),
    );
  });

  it("answers a role the base identity may not assume with 4xx and STS's code", async () => {
    const response = await fetch(`http://127.0.0.1:${sidecar.port}/roles/forbidden`, {
      headers: { authorization: token() },
    });
    expect(response.status).toBe(403);
    const body = (await response.json()) as { Code: string; Message: string };
    expect(body.Code).toBe("AccessDenied");
    expect(body.Message).toContain("role forbidden");
    expect(Object.keys(body).sort()).toEqual(["Code", "Message"]);
  });

  it("keeps the failing role from affecting the others", async () => {
    const response = await fetch(`http://127.0.0.1:${sidecar.port}/roles/reader`, {
      headers: { authorization: token() },
    });
    expect(response.status).toBe(200);
  });

  it("serves the container-credentials shape, Expiration in UTC with Z", async () => {
    const response = await fetch(`http://127.0.0.1:${sidecar.port}/roles/reader`, {
      headers: { authorization: token() },
    });
    const body = (await response.json()) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual([
      "AccessKeyId",
      "AccountId",
      "Code",
      "Expiration",
      "RoleArn",
      "SecretAccessKey",
      "Token",
    ]);
    expect(body.Code).toBe("Success");
    expect(body.AccountId).toBe(moto.accountId);
    expect(body.RoleArn).toBe(moto.roles.reader);
    expect(body.Expiration).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // moto honours DurationSeconds: an hour, so at least 45 minutes are left.
    expect(Date.parse(body.Expiration ?? "") - Date.now()).toBeGreaterThan(45 * 60_000);
  });

  it("refuses requests without the token, or with another", async () => {
    const url = `http://127.0.0.1:${sidecar.port}/roles/reader`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: "not-the-token" } })).status).toBe(403);
    const sdk = await execClient("node", {
      ...containerEnv("reader"),
      AWS_CONTAINER_AUTHORIZATION_TOKEN: "wrong-token-000000",
    });
    expect(sdk.exitCode).not.toBe(0);
  });

  it("logs one line per assumption and never a secret, key or token", async () => {
    const served = (await (
      await fetch(`http://127.0.0.1:${sidecar.port}/roles/reader`, { headers: { authorization: token() } })
    ).json()) as Record<string, string>;
    const assumed = sidecar.logs.filter((line) => line.event === "assumed");
    expect(assumed.map((line) => line.role).sort()).toEqual(["chained", "reader"]);
    const output = sidecar.output();
    for (const secret of [
      served.SecretAccessKey,
      served.Token,
      served.AccessKeyId,
      token(),
      moto.base.secretAccessKey,
    ]) {
      expect(secret && secret.length > 8).toBe(true);
      expect(output).not.toContain(secret);
    }
  });

  it("exits well inside the 2 s shutdown budget on SHUTDOWN and removes the token", async () => {
    const shutdownAt = Date.now();
    runtime.shutdown();
    const exit = await sidecar.exited(5000);
    expect(exit.code).toBe(0);
    expect(Date.now() - shutdownAt).toBeLessThan(2000);
    expect(() => statSync(join(sidecar.runtimeDir, "token"))).toThrow();
  });
});

describe("init failures reach Lambda as init/error", () => {
  let failing: MockRuntimeApi;

  // One mock per test: a second extension of the same name could not register.
  beforeEach(async () => {
    failing = await startMockRuntimeApi({ functionName: FUNCTION_NAME });
  });
  afterEach(async () => {
    await failing?.close();
  });

  it("an invalid config lists every problem with its path, and the process exits non-zero", async () => {
    const config = configFile(`
default: nobody
roles:
  reader:
    RoleArn: arn:aws:iam::123456789012:role/reader
    DurationSeconds: 50000
  chained:
    RoleArn: not-an-arn
    source: reader
    DurationSeconds: 7200
`);
    const process = await startExtension({ env: lambdaEnv(failing, { CREDENTIALS_SIDECAR_CONFIG: config }) });
    const error = await failing.waitForError();
    const exit = await process.exited();
    expect(error.route).toBe("init/error");
    expect(error.errorType).toBe("Extension.ConfigInvalid");
    const message = (error.body as { errorMessage: string }).errorMessage;
    expect(message).toContain("roles.reader.DurationSeconds: must be at most 43200");
    expect(message).toContain("roles.chained.RoleArn: must be an IAM role ARN");
    expect(message).toContain("roles.chained.DurationSeconds: must be at most 3600 for a chained role");
    expect(message).toContain("default: names no role in roles");
    expect(message).not.toMatch(/\n\s+at /);
    expect(exit.code).toBe(1);
    expect(process.output()).toContain("roles.reader.DurationSeconds: must be at most 43200");
  });

  it("a YAML syntax error names line and column", async () => {
    const config = configFile("roles:\n  reader:\n    RoleArn: [unclosed\n");
    const process = await startExtension({ env: lambdaEnv(failing, { CREDENTIALS_SIDECAR_CONFIG: config }) });
    const error = await failing.waitForError();
    await process.exited();
    expect((error.body as { errorMessage: string }).errorMessage).toMatch(
      /line \d+, column \d+: YAML syntax error/,
    );
  });

  it("a port already in use is reported as such", async () => {
    const blocker = (await import("node:net")).createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    const process = await startExtension({
      port,
      env: lambdaEnv(failing, { CREDENTIALS_SIDECAR_ROLE_ARN: moto.roles.reader }),
    });
    const error = await failing.waitForError();
    await process.exited();
    blocker.close();
    expect(error.errorType).toBe("Extension.PortInUse");
    expect((error.body as { errorMessage: string }).errorMessage).toContain(`port ${port}`);
  });
});
