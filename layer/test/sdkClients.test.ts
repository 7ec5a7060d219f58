/**
 * Every AWS SDK client on this machine (support/sdkClients.ts: boto3, botocore 1.29, AWS CLI v1 and
 * v2, JS SDK v3, Go SDK v2) started through the built layer's wrapper, as function code in a sandbox
 * whose execution role is a real moto session (keys and AWS_SESSION_TOKEN). Each reports the identity
 * its default chain resolves to, which must be the sidecar's default role:
 *   - with AWS_SESSION_TOKEN left in place (kept for the Parameters and Secrets extension);
 *   - with each credential source SDKs read before container credentials planted (shared files,
 *     profiles, ~/.aws, web identity), which the wrapper moves aside. A control run per source shows
 *     which clients would have used it without the wrapper, so every case can fail;
 *   - through a stand-in next wrapper (CREDENTIALS_SIDECAR_NEXT_WRAPPER).
 * And function code calling a stand-in Parameters and Secrets extension with AWS_SESSION_TOKEN.
 */

import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../extension/test/support/cli.js";
import { clientEnv } from "../../extension/test/support/clients.js";
import { type MotoEnvironment, startMoto } from "../../extension/test/support/moto.js";
import { extractLayer, type FunctionRun, lastJsonLine, layerEntries, runFunction } from "./support/layer.js";
import {
  type OtherContainerEndpoint,
  PLANTED,
  startOtherContainerEndpoint,
} from "./support/plantedSources.js";
import { assumedRole, type ExecutionKeys, type Sandbox, Sandboxes, sandboxEnv } from "./support/sandbox.js";
import {
  cleanupClients,
  clientCommand,
  listSdkClients,
  prepareClients,
  type SdkClient,
} from "./support/sdkClients.js";

const CLIENTS = listSdkClients();
const PRESENT = CLIENTS.filter((client) => client.missing === undefined);
const MISSING = CLIENTS.filter((client) => client.missing !== undefined);
const PARAMETERS_SECRETS = fileURLToPath(new URL("./support/clients/parameters_secrets.py", import.meta.url));

let work: string;
let opt: string;
let moto: MotoEnvironment;
let execution: ExecutionKeys & { arn: string };
let sandbox: Sandbox;
let wrapper: string;
let other: OtherContainerEndpoint & { close(): void };
const sandboxes = new Sandboxes();

/** The runtime's environment before the wrapper: the sandbox's, the endpoint, and a HOME of its own. */
function functionEnv(home: string, extra: Record<string, string | undefined> = {}): Record<string, string> {
  return clientEnv({
    ...sandboxEnv(sandbox.runtime, moto, execution),
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_ENDPOINT_URL_STS: moto.endpoint,
    CREDENTIALS_SIDECAR_RUNTIME_DIR: sandbox.sidecar.runtimeDir,
    HOME: home,
    ...extra,
  });
}

/** The ARN a client printed: one JSON line, or the AWS CLI's indented JSON document. */
function printedArn(run: FunctionRun): string {
  try {
    return (JSON.parse(run.stdout) as { Arn: string }).Arn;
  } catch {
    return lastJsonLine<{ Arn: string }>(run).Arn;
  }
}

async function identity(client: SdkClient, env: Record<string, string>, through?: string): Promise<string> {
  return printedArn(await runFunction(clientCommand(client, moto.endpoint), env, through));
}

function freshHome(): string {
  const home = mkdtempSync(join(work, "home-"));
  mkdirSync(join(home, ".aws"));
  return home;
}

for (const client of MISSING) {
  it.skip(`${client.name}: not on this machine (${client.missing})`, () => {});
}

describe.runIf(process.platform === "linux" && PRESENT.length > 0)(
  "every SDK client here, through the wrapper",
  () => {
    beforeAll(async () => {
      work = mkdtempSync(join(tmpdir(), "sdk-clients-"));
      const [layer, started, prepared] = await Promise.allSettled([
        layerEntries(work),
        startMoto(),
        prepareClients(PRESENT),
      ]);
      if (started.status === "fulfilled") moto = started.value;
      for (const result of [layer, started, prepared]) if (result.status === "rejected") throw result.reason;
      if (layer.status !== "fulfilled") return;
      opt = extractLayer(layer.value.entries, join(work, "opt"));
      wrapper = join(opt, "credentials-sidecar", "wrapper");

      // The execution role: a real session (keys + session token) of `reader`, which may assume `chained`.
      const sts = new STSClient({
        region: moto.region,
        endpoint: moto.endpoint,
        credentials: { accessKeyId: moto.base.accessKeyId, secretAccessKey: moto.base.secretAccessKey },
      });
      const assumed = await sts.send(
        new AssumeRoleCommand({ RoleArn: moto.roles.reader, RoleSessionName: "execution-role" }),
      );
      const credentials = assumed.Credentials;
      if (!credentials?.AccessKeyId || !credentials.SecretAccessKey || !assumed.AssumedRoleUser?.Arn)
        throw new Error("moto returned no credentials for the execution role");
      execution = {
        accessKeyId: credentials.AccessKeyId,
        secretAccessKey: credentials.SecretAccessKey,
        ...(credentials.SessionToken ? { sessionToken: credentials.SessionToken } : {}),
        arn: assumed.AssumedRoleUser.Arn,
      };
      const otherSession = await sts.send(
        new AssumeRoleCommand({ RoleArn: moto.roles.reader, RoleSessionName: "other-endpoint" }),
      );
      other = await startOtherContainerEndpoint(otherSession.Credentials);
      const config = join(work, "credentials-sidecar.yaml");
      writeFileSync(config, `default: chained\nroles:\n  chained:\n    RoleArn: ${moto.roles.chained}\n`);
      sandbox = await sandboxes.start(opt, moto, { CREDENTIALS_SIDECAR_CONFIG: config }, { keys: execution });
    }, 300_000);

    afterAll(async () => {
      other?.close();
      await Promise.all([sandboxes.closeAll(), moto?.stop()]);
      cleanupClients(CLIENTS);
      if (work) rmSync(work, { recursive: true, force: true });
    });

    it("has a real execution role session, with a session token", () => {
      expect(execution.sessionToken).toBeTruthy();
      expect(execution.arn).toMatch(/assumed-role\/reader\/execution-role$/);
    });

    describe.concurrent.each(PRESENT.map((client) => [client.name, client] as const))(
      "%s",
      (_name, client) => {
        it("acts as the default role with AWS_SESSION_TOKEN left in the environment", async () => {
          const home = freshHome();
          const env = functionEnv(home);
          expect(env.AWS_SESSION_TOKEN).toBe(execution.sessionToken);

          expect(await identity(client, env, wrapper)).toMatch(assumedRole(moto, "chained"));
        });

        it("keeps the execution role with CREDENTIALS_SIDECAR_KEEP_EXECUTION_ROLE=true", async () => {
          const env = functionEnv(freshHome(), { CREDENTIALS_SIDECAR_KEEP_EXECUTION_ROLE: "true" });
          expect(await identity(client, env, wrapper)).toBe(execution.arn);
        });

        it("acts as the default role through a next wrapper", async () => {
          const home = freshHome();
          const next = join(home, "otel-instrument");
          const record = join(home, "next-wrapper-saw");
          writeFileSync(
            next,
            `#!/bin/sh\nprintf '%s' "\${AWS_CONTAINER_CREDENTIALS_FULL_URI:-none}" > '${record}'\nexec "$@"\n`,
            { mode: 0o755 },
          );
          const env = functionEnv(home, { CREDENTIALS_SIDECAR_NEXT_WRAPPER: next });

          expect(await identity(client, env, wrapper)).toMatch(assumedRole(moto, "chained"));
          expect(readFileSync(record, "utf8")).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/roles\/chained$/);
        });
      },
    );

    // Which clients read each planted source without the wrapper (the control), then the same through
    // the wrapper: the default role for every client.
    const controls = new Map<string, string[]>();
    describe.each(PLANTED.map((source) => [source.name, source] as const))("with %s", (_name, source) => {
      it.concurrent.each(PRESENT.map((client) => [client.name, client] as const))(
        "%s: through the wrapper it acts as the default role (control: what it does without the moves)",
        async (_clientName, client) => {
          const home = freshHome();
          const planted = source.plant(home, moto, other);
          // Control: what the wrapper sets, minus its moves: no keys, the sidecar's container variables,
          // then the planted variables (which may be container variables themselves).
          const roles = readFileSync(join(sandbox.sidecar.runtimeDir, "roles-url"), "utf8");
          const token = readFileSync(join(sandbox.sidecar.runtimeDir, "token"), "utf8");
          const control = functionEnv(home, {
            AWS_ACCESS_KEY_ID: undefined,
            AWS_SECRET_ACCESS_KEY: undefined,
            AWS_CONTAINER_CREDENTIALS_FULL_URI: `${roles}chained`,
            AWS_CONTAINER_AUTHORIZATION_TOKEN: token,
            ...planted,
          });
          const unmoved = await runFunction(clientCommand(client, moto.endpoint), control);
          const unmovedArn = unmoved.exitCode === 0 ? printedArn(unmoved) : "error";
          if (!assumedRole(moto, "chained").test(unmovedArn)) {
            controls.set(source.name, [...(controls.get(source.name) ?? []), client.name]);
          }
          // SDK_CLIENTS_REPORT=<file>: which client reads which source, for the README.
          const report = process.env.SDK_CLIENTS_REPORT;
          if (report) appendFileSync(report, `${source.name} | ${client.name} | ${unmovedArn}\n`);

          expect(await identity(client, functionEnv(home, planted), wrapper)).toMatch(
            assumedRole(moto, "chained"),
          );
        },
      );

      it("is read by at least one client without the wrapper's move (so the case above can fail)", () => {
        expect(controls.get(source.name) ?? []).not.toEqual([]);
      });
    });

    // The same planted variables in the shell that runs `credentials-sidecar local -- COMMAND` (built-in
    // STS stand-in): its lines come from the wrapper's list (env.ts), so each client acts as the
    // default role there too. The controls above show which clients read each variable.
    describe.each(PLANTED.map((source) => [source.name, source] as const))(
      "local, with %s",
      (_name, source) => {
        it.concurrent.each(PRESENT.map((client) => [client.name, client] as const))(
          "%s: the command acts as the default role",
          async (_clientName, client) => {
            const home = freshHome();
            const config = join(home, "local.yaml");
            writeFileSync(
              config,
              "default: only\nroles:\n  only:\n    RoleArn: arn:aws:iam::123456789012:role/only\n",
            );
            const endpoint = client.endpointArgs
              ? ' --endpoint-url "$AWS_ENDPOINT_URL_STS" --output json'
              : "";
            const command = ["sh", "-c", `exec "$@"${endpoint}`, "sh", ...client.command];

            const run = await runCli(["local", "-c", config, "--port", "0", "--", ...command], {
              home,
              env: source.plant(home, moto, other),
              timeoutMs: 120_000,
            });

            expect(run.code, run.stderr).toBe(0);
            const arn = (JSON.parse(run.stdout.slice(run.stdout.indexOf("{"))) as { Arn: string }).Arn;
            expect(arn).toMatch(/:assumed-role\/only\/credentials-sidecar-local\./);
          },
        );
      },
    );

    describe("the Parameters and Secrets extension's header", () => {
      let server: Server;
      let port: number;
      const seen: (string | undefined)[] = [];

      beforeAll(async () => {
        // Stands in for the extension on its port: it compares the header with its own copy of
        // AWS_SESSION_TOKEN, which is the sandbox's (extensions see the function's environment).
        const expected = execution.sessionToken;
        server = createServer((request, response) => {
          const header = request.headers["x-aws-parameters-secrets-token"];
          const value = Array.isArray(header) ? header[0] : header;
          seen.push(value);
          const ok = value !== undefined && value === expected;
          response.writeHead(ok ? 200 : 401, { "content-type": "application/json" });
          response.end(ok ? JSON.stringify({ SecretString: "orders-db-password" }) : "{}");
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        port = (server.address() as AddressInfo).port;
      });
      afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

      it("is accepted from function code through the wrapper, whose SDK acts as the default role", async () => {
        const env = functionEnv(freshHome(), { PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(port) });
        const run = await runFunction(["python3", PARAMETERS_SECRETS], env, wrapper);

        const result = lastJsonLine<{ status: number; body: string; Arn: string }>(run);
        expect(result.status).toBe(200);
        expect(JSON.parse(result.body).SecretString).toBe("orders-db-password");
        expect(result.Arn).toMatch(assumedRole(moto, "chained"));
      });

      it("is refused with another token, which the SDK ignores all the same", async () => {
        const env = functionEnv(freshHome(), {
          PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(port),
          AWS_SESSION_TOKEN: "not-the-execution-session-token",
        });
        const run = await runFunction(["python3", PARAMETERS_SECRETS], env, wrapper);

        const result = lastJsonLine<{ status: number; Arn: string }>(run);
        expect(result.status).toBe(401);
        expect(seen.at(-1)).toBe("not-the-execution-session-token");
        expect(result.Arn).toMatch(assumedRole(moto, "chained"));
      });
    });
  },
);
