/**
 * moto_server for `demo --sts moto`, seeded like aws-assume-role-lib's demo: an IAM user plays the
 * execution role; role `demo-app` may read one DynamoDB item and nothing in S3. Adapted (and cut
 * down) from extension/test/support/moto.ts, which is not bundled into dist/.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { freePort } from "./freePort.js";
import { CliError } from "./io.js";

export interface DemoMoto {
  readonly endpoint: string;
  readonly base: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly arn: string };
  readonly roleArn: string;
  readonly table: string;
  readonly key: Record<string, { S: string }>;
  readonly bucket: string;
  readonly objectKey: string;
  stop(): Promise<void>;
}

const REGION = "us-east-1";
const TABLE = "demo-table";
const KEY = { pk: { S: "greeting" } };
const BUCKET = "demo-bucket";
const OBJECT_KEY = "secret.txt";

const SEED = `
import json, sys
import boto3
p = json.loads(sys.argv[1])
kw = dict(endpoint_url=p["endpoint"], region_name="${REGION}", aws_access_key_id="seed", aws_secret_access_key="seed")
iam, ddb, s3 = (boto3.client(name, **kw) for name in ("iam", "dynamodb", "s3"))
doc = lambda *statements: json.dumps({"Version": "2012-10-17", "Statement": list(statements)})
user = iam.create_user(UserName="demo-execution-role")["User"]
key = iam.create_access_key(UserName=user["UserName"])["AccessKey"]
role_arn = user["Arn"].split(":user/")[0] + ":role/demo-app"
iam.put_user_policy(UserName=user["UserName"], PolicyName="assume", PolicyDocument=doc(
    {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role_arn}))
iam.create_role(RoleName="demo-app", AssumeRolePolicyDocument=doc(
    {"Effect": "Allow", "Principal": {"AWS": user["Arn"]}, "Action": "sts:AssumeRole"}))
# moto checks service permissions against resource "*" (see extension/test/support/moto.ts).
iam.put_role_policy(RoleName="demo-app", PolicyName="read-table", PolicyDocument=doc(
    {"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"}))
ddb.create_table(TableName="${TABLE}", BillingMode="PAY_PER_REQUEST",
                 KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                 AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
ddb.put_item(TableName="${TABLE}", Item={"pk": {"S": "greeting"}, "text": {"S": "hello from DynamoDB"}})
s3.create_bucket(Bucket="${BUCKET}")
s3.put_object(Bucket="${BUCKET}", Key="${OBJECT_KEY}", Body=b"the role may not read this")
print(json.dumps({"arn": user["Arn"], "accessKeyId": key["AccessKeyId"],
                  "secretAccessKey": key["SecretAccessKey"], "roleArn": role_arn}))
`;

/** Variables for moto and python helpers: nothing AWS-related from this shell. */
export function isolatedEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    AWS_CONFIG_FILE: "/nonexistent/aws-config",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/aws-credentials",
    AWS_EC2_METADATA_DISABLED: "true",
  };
  for (const name of ["PATH", "HOME", "LANG", "TMPDIR", "PYENV_ROOT", "PYENV_VERSION"]) {
    if (process.env[name] !== undefined) env[name] = process.env[name];
  }
  return env;
}

export async function startDemoMoto(): Promise<DemoMoto> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], {
    env: isolatedEnv(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const stop = () => killChild(child);
  try {
    await waitForMoto(child, endpoint, () => output);
    const seeded = await seed(endpoint);
    const auth = await fetch(`${endpoint}/moto-api/reset-auth`, {
      method: "POST",
      headers: { "Content-Type": "text/plain" },
      body: "0",
    });
    if (!auth.ok) throw new CliError(`moto refused to enforce IAM (${auth.status}): ${await auth.text()}`);
    return {
      endpoint,
      base: { accessKeyId: seeded.accessKeyId, secretAccessKey: seeded.secretAccessKey, arn: seeded.arn },
      roleArn: seeded.roleArn,
      table: TABLE,
      key: KEY,
      bucket: BUCKET,
      objectKey: OBJECT_KEY,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function waitForMoto(child: ChildProcess, endpoint: string, output: () => string): Promise<void> {
  let failed: string | undefined;
  child.once("error", (error) => {
    failed = `cannot start moto_server (${error.message}): is it on PATH? (pip install 'moto[server]')`;
  });
  child.once("exit", (code) => {
    failed ??= `moto_server exited (${code}):\n${output()}`;
  });
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (failed !== undefined) throw new CliError(failed);
    // Our process logs "Running on <endpoint>" once it bound the port; then any answer means ready.
    if (output().includes(`Running on ${endpoint}`)) {
      const answered = await fetch(`${endpoint}/`, { signal: AbortSignal.timeout(1000) }).then(
        () => true,
        () => false,
      );
      if (answered) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new CliError(`moto_server did not answer on ${endpoint} within 20 s:\n${output()}`);
}

function seed(
  endpoint: string,
): Promise<{ arn: string; accessKeyId: string; secretAccessKey: string; roleArn: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      "python3",
      ["-c", SEED, JSON.stringify({ endpoint })],
      { env: isolatedEnv(), timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new CliError(`seeding moto failed (is boto3 installed?): ${error.message}\n${stderr}`));
          return;
        }
        try {
          resolve(JSON.parse(stdout));
        } catch {
          reject(new CliError(`seeding moto printed no JSON:\n${stdout}\n${stderr}`));
        }
      },
    );
  });
}

async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
  await exited;
  clearTimeout(timer);
}
