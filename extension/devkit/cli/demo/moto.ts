/**
 * moto_server for `demo --sts moto`, seeded like aws-assume-role-lib's demo: an IAM user plays the
 * execution role; role `demo-app` may read one DynamoDB item and nothing in S3. The seed is cut down
 * from extension/test/support/moto.ts (not bundled into dist/), which starts moto with startMotoServer.
 */
import { execFile } from "node:child_process";
import { cleanAwsEnv, type KitProcess, startProcess } from "../../processKit.mjs";
import { CliError } from "../io.js";

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

/** moto_server on a port it picked itself, ready to answer. */
export interface MotoServer {
  readonly endpoint: string;
  readonly port: number;
  readonly process: KitProcess;
  stop(): Promise<void>;
}

/**
 * Starts moto_server on port 0: werkzeug binds a free port and prints "Running on <endpoint>", so
 * no other process can take the port between choosing and binding it.
 */
export async function startMotoServer(env: Record<string, string | undefined> = {}): Promise<MotoServer> {
  const moto = startProcess({
    command: "moto_server",
    args: ["-H", "127.0.0.1", "-p", "0"],
    env: cleanAwsEnv(env),
    name: "moto_server",
    // It logs every request: the start is what explains a failure.
    maxOutputChars: 16_384,
  });
  const stop = async () => {
    await moto.stop({ graceMs: 3000 });
  };
  try {
    const running = await moto.waitForOutput(/Running on (http:\/\/127\.0\.0\.1:(\d+))/, 20_000);
    const endpoint = running[1] as string;
    // Bound and listening by then; one answer (GET / is S3 ListBuckets, cheap) proves it serves.
    await fetch(`${endpoint}/`, { signal: AbortSignal.timeout(10_000) });
    return { endpoint, port: Number(running[2]), process: moto, stop };
  } catch (error) {
    await stop();
    const exit = moto.exitStatus();
    if (exit?.error !== undefined) {
      throw new CliError(
        `cannot start moto_server (${exit.error}): is it on PATH? (pip install 'moto[server]')`,
      );
    }
    throw error;
  }
}

export async function startDemoMoto(): Promise<DemoMoto> {
  const server = await startMotoServer();
  const { endpoint, stop } = server;
  try {
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

function seed(
  endpoint: string,
): Promise<{ arn: string; accessKeyId: string; secretAccessKey: string; roleArn: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      "python3",
      ["-c", SEED, JSON.stringify({ endpoint })],
      { env: cleanAwsEnv(), timeout: 30_000 },
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
