/**
 * What the demo's function runs against: the built-in STS stand-in with a Node.js function, or
 * moto_server (IAM enforced) with a Python one. Each stage brings its config, the execution role's
 * keys, the function, and what the report needs to check the answers.
 */
import { existsSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { MockRuntimeApi } from "../../mockRuntimeApi/mockRuntimeApi.js";
import { cleanAwsEnv } from "../../processKit.mjs";
import type { AssumeRoleRequest } from "../../stsStandIn/stsProtocol.js";
import { startStsStandIn } from "../../stsStandIn/stsStandIn.js";
import { CliError } from "../io.js";
import { builtFile } from "../paths.js";
import { NODE_HANDLER, NODE_RUNTIME, PYTHON_FUNCTION } from "./functions.js";
import { startDemoMoto } from "./moto.js";

export const FUNCTION_NAME = "demo-function";
const ACCOUNT = "123456789012";

export interface Stage {
  readonly config: string;
  readonly identity: Record<string, string>;
  readonly executionRole: string;
  readonly payload: Record<string, unknown>;
  readonly runtime: readonly string[];
  readonly stsDescription: string;
  readonly sessionsIssued?: () => number;
  /** Every AssumeRole the STS granted, as asked (the built-in stand-in only). */
  readonly assumed?: () => readonly AssumeRoleRequest[];
  /** Stops its STS (stand-in or moto_server). */
  stop(): Promise<void>;
}

/** One environment for the extension and the runtime: in Lambda both see the function's configuration. */
export function functionEnv(options: {
  readonly home: string;
  readonly mock: MockRuntimeApi;
  readonly stage: Stage;
  readonly configPath: string;
  readonly runtimeDir: string;
  readonly hostNode: boolean;
}): NodeJS.ProcessEnv {
  return cleanAwsEnv({
    HOME: options.home,
    AWS_LAMBDA_RUNTIME_API: options.mock.address,
    AWS_LAMBDA_FUNCTION_NAME: FUNCTION_NAME,
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_LAMBDA_INITIALIZATION_TYPE: options.mock.initializationType,
    AWS_REGION: "us-east-1",
    AWS_DEFAULT_REGION: "us-east-1",
    ...options.stage.identity,
    CREDENTIALS_SIDECAR_CONFIG: options.configPath,
    // Any free port: 9770 may be taken on a developer's machine.
    CREDENTIALS_SIDECAR_PORT: "0",
    CREDENTIALS_SIDECAR_RUNTIME_DIR: options.runtimeDir,
    ...(options.hostNode ? { CREDENTIALS_SIDECAR_NODE: process.execPath } : {}),
  });
}

/** The built-in stand-in; the Node.js function reads role audit by name and is denied role admin. */
export async function builtinStage(taskDir: string): Promise<Stage> {
  const executionRole = `arn:aws:sts::${ACCOUNT}:assumed-role/demo-execution-role/${FUNCTION_NAME}`;
  const sts = await startStsStandIn({
    deniedRoles: ["admin"],
    base: { ...randomBase(), arn: executionRole },
  });
  try {
    writeFileSync(join(taskDir, "index.mjs"), NODE_HANDLER);
    writeFileSync(join(taskDir, "bootstrap.mjs"), NODE_RUNTIME);
    symlinkSync(findNodeModules(), join(taskDir, "node_modules"));
  } catch (error) {
    await sts.close();
    throw error;
  }
  return {
    config: `default: app
roles:
  app:
    RoleArn: arn:aws:iam::${ACCOUNT}:role/demo-app
  audit:
    RoleArn: arn:aws:iam::${ACCOUNT}:role/demo-audit
    source: app  # assumed with app's credentials (role chaining)
    DurationSeconds: 900
`,
    identity: {
      AWS_ACCESS_KEY_ID: sts.base.accessKeyId,
      AWS_SECRET_ACCESS_KEY: sts.base.secretAccessKey,
      AWS_ENDPOINT_URL_STS: sts.endpoint,
    },
    executionRole,
    payload: { deniedRoleArn: `arn:aws:iam::${ACCOUNT}:role/admin` },
    runtime: [process.execPath, "bootstrap.mjs"],
    stsDescription: `built-in stand-in at ${sts.endpoint} (account ${ACCOUNT}; denies role admin)`,
    sessionsIssued: () => sts.issued(),
    assumed: () => sts.assumed(),
    stop: () => sts.close(),
  };
}

/** moto_server with IAM enforced; the Python function may read a DynamoDB item, not an S3 object. */
export async function motoStage(taskDir: string): Promise<Stage> {
  const moto = await startDemoMoto();
  writeFileSync(join(taskDir, "function.py"), PYTHON_FUNCTION);
  return {
    config: `default: app
roles:
  app:
    RoleArn: ${moto.roleArn}  # may read ${moto.table}, not s3://${moto.bucket}
`,
    identity: {
      AWS_ACCESS_KEY_ID: moto.base.accessKeyId,
      AWS_SECRET_ACCESS_KEY: moto.base.secretAccessKey,
      AWS_ENDPOINT_URL: moto.endpoint,
    },
    executionRole: moto.base.arn,
    payload: { table: moto.table, key: moto.key, bucket: moto.bucket, objectKey: moto.objectKey },
    runtime: ["python3", "function.py"],
    stsDescription: `moto_server at ${moto.endpoint}, IAM enforced`,
    stop: () => moto.stop(),
  };
}

/** Keys the stand-in knows as the execution role (random, like a real sandbox's). */
function randomBase(): { accessKeyId: string; secretAccessKey: string } {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const id = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => alphabet[b % 32]).join("");
  return {
    accessKeyId: `ASIA${id}`,
    secretAccessKey: Buffer.from(crypto.getRandomValues(new Uint8Array(30))).toString("base64"),
  };
}

/** The node_modules folder the repository installed, for the demo function's imports. */
function findNodeModules(): string {
  let dir = builtFile(".");
  for (;;) {
    const candidate = join(dir, "node_modules");
    if (existsSync(join(candidate, "@aws-sdk", "client-sts"))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new CliError(
        "the demo function needs @aws-sdk/client-sts from the repository's node_modules: run `make demo` in the repository",
      );
    }
    dir = parent;
  }
}
