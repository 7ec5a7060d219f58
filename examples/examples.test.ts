/**
 * The examples' function code, run as Lambda runs it with the layer: the bundled extension against the
 * mock Runtime API, assuming roles in moto (IAM enforced), and each handler started through the layer's
 * exec wrapper with the execution role's keys in its environment.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type MockRuntimeApi,
  startMockRuntimeApi,
} from "../extension/devkit/mockRuntimeApi/mockRuntimeApi.js";
import { clientEnv } from "../extension/test/support/clients.js";
import { type ExtensionProcess, startExtension } from "../extension/test/support/extensionProcess.js";
import { type MotoEnvironment, startMoto } from "../extension/test/support/moto.js";
import { buildGoExample, goMissing } from "./support/go.js";

const FUNCTION_NAME = "examples-function";
const EXTENSION = "credentials-sidecar";
const WRAPPER = fileURLToPath(new URL("../layer/credentials-sidecar/wrapper", import.meta.url));
const PYTHON_HANDLER_DIR = fileURLToPath(new URL("./python", import.meta.url));
const SAM_HANDLER_DIR = fileURLToPath(new URL("./sam/src", import.meta.url));
const NODE_HANDLER = pathToFileURL(fileURLToPath(new URL("./node/handler.mjs", import.meta.url))).href;

/** Drivers standing in for Lambda's runtimes: import the handler, invoke it once, print the result. */
const PYTHON_DRIVER = (module: string) => [
  "python3",
  "-c",
  `import json, ${module}; print(json.dumps(${module}.lambda_handler({}, None)))`,
];
const NODE_DRIVER = [
  process.execPath,
  "-e",
  "import(process.argv[1]).then(async (m) => console.log(JSON.stringify(await m.handler({}))))",
  NODE_HANDLER,
];

/**
 * Replaces examples/go's main() (Debian's SDK predates AWS_ENDPOINT_URL, so it could not reach moto):
 * resolves the default chain's credentials and sidecarRole("audit")'s, which only talk to the sidecar,
 * and prints their access key ids.
 */
const GO_DRIVER = `package main

import (
	"context"
	"encoding/json"
	"os"

	"github.com/aws/aws-sdk-go-v2/config"
)

func main() {
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		panic(err)
	}
	byDefault, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		panic(err)
	}
	audit, err := sidecarRole("audit").Retrieve(ctx)
	if err != nil {
		panic(err)
	}
	json.NewEncoder(os.Stdout).Encode(map[string]string{"default": byDefault.AccessKeyID, "audit": audit.AccessKeyID})
}
`;
const goSkipReason = goMissing();

let moto: MotoEnvironment;

/**
 * Starts the bundled extension the way Lambda does and lets it take one INVOKE (roles assumed).
 * `whileRegistering` runs once it registered, before it hears back: where Lambda starts the runtime.
 */
async function startSidecar(
  env: Record<string, string>,
  whileRegistering?: (sidecar: ExtensionProcess) => Promise<void>,
): Promise<{
  runtime: MockRuntimeApi;
  sidecar: ExtensionProcess;
}> {
  let answerRegistration: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    answerRegistration = resolve;
  });
  const runtime = await startMockRuntimeApi({
    functionName: FUNCTION_NAME,
    ...(whileRegistering === undefined ? {} : { holdRegistrationReplies: held }),
  });
  const sidecar = await startExtension({
    env: {
      AWS_LAMBDA_RUNTIME_API: runtime.address,
      AWS_LAMBDA_FUNCTION_NAME: FUNCTION_NAME,
      AWS_LAMBDA_FUNCTION_VERSION: "1",
      AWS_REGION: moto.region,
      AWS_ACCESS_KEY_ID: moto.base.accessKeyId,
      AWS_SECRET_ACCESS_KEY: moto.base.secretAccessKey,
      AWS_ENDPOINT_URL_STS: moto.endpoint,
      ...env,
    },
  });
  await runtime.waitForRegistered(EXTENSION);
  await whileRegistering?.(sidecar);
  answerRegistration();
  runtime.invoke({});
  await runtime.waitForIdle(EXTENSION);
  return { runtime, sidecar };
}

/**
 * Runs `command` as Lambda would with AWS_LAMBDA_EXEC_WRAPPER set (`wrapper command…`), or without the
 * wrapper, in the function's environment: execution-role keys, region, moto as every endpoint.
 */
function runFunction(
  sidecar: ExtensionProcess,
  command: readonly string[],
  env: Record<string, string>,
  options: { wrapper: boolean } = { wrapper: true },
): Promise<Record<string, unknown>> {
  const [program, ...args] = options.wrapper ? ["/bin/sh", WRAPPER, ...command] : command;
  const functionEnv = clientEnv({
    AWS_LAMBDA_FUNCTION_NAME: FUNCTION_NAME,
    AWS_REGION: moto.region,
    AWS_ACCESS_KEY_ID: moto.base.accessKeyId,
    AWS_SECRET_ACCESS_KEY: moto.base.secretAccessKey,
    AWS_ENDPOINT_URL: moto.endpoint,
    CREDENTIALS_SIDECAR_RUNTIME_DIR: sidecar.runtimeDir,
    // No __pycache__ folders left in examples/.
    PYTHONDONTWRITEBYTECODE: "1",
    ...env,
  });
  return new Promise((resolve, reject) => {
    execFile(
      program as string,
      args,
      { env: functionEnv, cwd: "/", timeout: 30_000, killSignal: "SIGKILL" },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`${command.join(" ")} failed (${error.message}):\n${stderr}${stdout}`));
          return;
        }
        const last = stdout.trim().split("\n").pop() ?? "";
        try {
          resolve(JSON.parse(last) as Record<string, unknown>);
        } catch {
          reject(new Error(`${command.join(" ")} printed no JSON line:\n${stdout}\n${stderr}`));
        }
      },
    );
  });
}

function sessionArn(role: string): RegExp {
  return new RegExp(`^arn:aws:sts::${moto.accountId}:assumed-role/${role}/${FUNCTION_NAME}\\.1\\.`);
}

beforeAll(async () => {
  moto = await startMoto();
});

afterAll(async () => {
  await moto?.stop();
});

describe("examples/python and examples/node: the default role with no code, a second role by name", () => {
  let runtime: MockRuntimeApi;
  let sidecar: ExtensionProcess;

  beforeAll(async () => {
    const configDir = mkdtempSync(join(tmpdir(), "examples-config-"));
    const config = join(configDir, "credentials-sidecar.yaml");
    writeFileSync(
      config,
      `default: reader
roles:
  reader:
    RoleArn: ${moto.roles.reader}
  audit:
    RoleArn: ${moto.roles.chained}
    source: reader
`,
    );
    ({ runtime, sidecar } = await startSidecar({ CREDENTIALS_SIDECAR_CONFIG: config }));
  });

  afterAll(async () => {
    sidecar?.kill();
    await runtime?.close();
  });

  it("Python handler (boto3): default chain -> reader, session_for_role('audit') -> chained", async () => {
    const result = await runFunction(sidecar, PYTHON_DRIVER("handler"), { PYTHONPATH: PYTHON_HANDLER_DIR });
    expect(result.default).toMatch(sessionArn("reader"));
    expect(result.audit).toMatch(sessionArn("chained"));
  });

  it("Node handler (JS SDK v3): default chain -> reader, sidecarRole('audit') -> chained", async () => {
    const result = await runFunction(sidecar, NODE_DRIVER, {});
    expect(result.default).toMatch(sessionArn("reader"));
    expect(result.audit).toMatch(sessionArn("chained"));
  });

  it.skipIf(goSkipReason !== undefined)(
    `Go (SDK v2): default chain -> reader, sidecarRole("audit") -> audit${goSkipReason === undefined ? "" : ` (SKIPPED: ${goSkipReason})`}`,
    async () => {
      const build = await buildGoExample(GO_DRIVER);
      expect(build.output).toBe("");
      const served = async (role: string) => {
        const response = await fetch(`http://127.0.0.1:${sidecar.port}/roles/${role}`, {
          headers: { authorization: readFileSync(join(sidecar.runtimeDir, "token"), "utf8") },
        });
        return ((await response.json()) as { AccessKeyId: string }).AccessKeyId;
      };
      const result = await runFunction(sidecar, [build.binary], {});
      expect(result.default).toBe(await served("reader"));
      expect(result.audit).toBe(await served("audit"));
      expect(result.default).not.toBe(result.audit);
    },
  );

  it("without the wrapper the default chain keeps the execution role (the wrapper is what switches it)", async () => {
    const result = await runFunction(
      sidecar,
      PYTHON_DRIVER("handler"),
      {
        PYTHONPATH: PYTHON_HANDLER_DIR,
        // What the wrapper would have provided for the explicit role, so only the default differs.
        CREDENTIALS_SIDECAR_ROLES_URL: `http://127.0.0.1:${sidecar.port}/roles/`,
        AWS_CONTAINER_AUTHORIZATION_TOKEN: readFileSync(join(sidecar.runtimeDir, "token"), "utf8"),
      },
      { wrapper: false },
    );
    expect(result.default).toBe(moto.base.arn);
    expect(result.audit).toMatch(sessionArn("chained"));
  });
});

const SAM_ENVIRONMENT_ID = "2f3ba8c6e2b94c1e9b7d5a4f0c1e2d3a";
const SAM_LOG_STREAM = { AWS_LAMBDA_LOG_STREAM_NAME: `2026/12/01/[1]${SAM_ENVIRONMENT_ID}` };

describe("examples/sam: the demo handler with one role from CREDENTIALS_SIDECAR_ROLE_ARN", () => {
  let runtime: MockRuntimeApi;
  let sidecar: ExtensionProcess;

  beforeAll(async () => {
    // As examples/sam/template.yaml configures it; the runtime starts through the wrapper, which
    // reports the log stream, while the extension registers.
    ({ runtime, sidecar } = await startSidecar(
      {
        AWS_LAMBDA_EXEC_WRAPPER: WRAPPER,
        CREDENTIALS_SIDECAR_ROLE_ARN: moto.roles.reader,
        CREDENTIALS_SIDECAR_GENERATE_SOURCE_IDENTITY: "true",
      },
      async (started) => {
        await runFunction(started, ["python3", "-c", "print('{}')"], SAM_LOG_STREAM);
      },
    ));
  });

  afterAll(async () => {
    sidecar?.kill();
    await runtime?.close();
  });

  it("acts as the target role: table allowed, bucket denied; the execution role stays reachable", async () => {
    const result = await runFunction(sidecar, PYTHON_DRIVER("app"), {
      PYTHONPATH: SAM_HANDLER_DIR,
      TABLE_NAME: moto.tableName,
      BUCKET_NAME: moto.bucketName,
      ITEM_KEY: moto.itemKey.pk?.S ?? "",
      OBJECT_KEY: moto.objectKey,
      ...SAM_LOG_STREAM,
    });
    expect(result.role_arn).toMatch(sessionArn("reader"));
    // aws-assume-role-lib's demo: the CloudTrail session name leads to the log stream.
    expect(result.role_arn).toMatch(new RegExp(`/${FUNCTION_NAME}\\.1\\.${SAM_ENVIRONMENT_ID}$`));
    expect(result.dynamodb).toBe("allowed");
    expect(result.s3).toBe("denied:AccessDenied");
    expect(result.execution_role_arn).toBe(moto.base.arn);
  });
});
