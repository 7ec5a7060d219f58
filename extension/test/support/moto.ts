/**
 * moto_server harness for integration tests: start on port 0 (moto reports the port it got), seed
 * IAM/STS/DynamoDB/S3, enable auth.
 *
 * What moto 5.2.1 enforces once auth is on (checked empirically against this harness's seed):
 *  1. Wrong secret -> 403 SignatureDoesNotMatch; unknown access key id -> 403 InvalidClientTokenId; an
 *     assumed-role key with a missing or wrong session token -> 403 InvalidClientTokenId.
 *  2. The base user can AssumeRole `reader` (identity policy allows it and the trust names the user ARN).
 *  3. `forbidden` -> 403 AccessDenied ("User: <arn> is not authorized to perform: sts:AssumeRole").
 *     AssumeRole needs BOTH the caller's identity policy (Resource = role ARN is matched) AND the role's
 *     trust policy: missing either gives the same AccessDenied. A role that does not exist and a malformed
 *     RoleArn also give AccessDenied (never NoSuchEntity / ValidationError).
 *  4. A `reader` session can GetItem; S3 GetObject -> 403 AccessDenied ("Access Denied").
 *     CAUTION: for every service except STS/IAM/SQS, moto authorises against resource "*", so identity
 *     policies must say `"Resource": "*"` (a table ARN never matches and the call is denied).
 *     CAUTION: moto answers auth failures of JSON-protocol services (DynamoDB) with an XML <ErrorResponse>
 *     body: botocore then reports Error.Code "403" (the XML is in Error.Message) and JS SDK v3 throws a
 *     SyntaxError deserialization error. The whoami clients recover the real <Code> from the body.
 *  5. A `reader` session can AssumeRole `chained` (needs `"Principal": {"AWS": "*"}` in chained's trust,
 *     principals are matched literally and without wildcards, AND sts:AssumeRole in reader's policy).
 *     GetCallerIdentity then shows arn:aws:sts::123456789012:assumed-role/chained/<session>.
 *  6. GetCallerIdentity of a session -> arn:aws:sts::123456789012:assumed-role/reader/<session>
 *     (always allowed, even without a policy). UserId is "<role id>:<session>".
 * Not enforced / not validated by moto:
 *  - DurationSeconds is honoured exactly (Expiration = now + DurationSeconds, default 3600) but never
 *    range-checked: 100 and 100000 are accepted, and chaining with 7200 is accepted (AWS caps at 3600).
 *    botocore validates the 900 minimum client-side; JS SDK v3 does not.
 *  - RoleSessionName is not validated ("bad name!" and 1-char names accepted by moto; botocore checks
 *    only the 2-char minimum length client-side).
 *  - SourceIdentity is accepted but not returned and not checked along a chain (a different one is fine).
 *  - Tags are accepted (PackedPolicySize is returned); no tag conditions are evaluated.
 *  - ExternalId: a trust Condition StringEquals sts:ExternalId is checked when ExternalId is SENT
 *    (wrong value -> AccessDenied, right value -> OK) but a MISSING ExternalId passes (AWS would deny).
 *    The `external` role below lets tests use this.
 *  - Session policies (Policy) are accepted, even malformed JSON, and not applied to the session.
 * Wire protocols: @aws-sdk/client-sts 3.1169 uses awsQuery (POST form-encoded `Action=...&Version=
 * 2011-06-15`, XML responses); botocore 1.43 STS also uses `query`. DynamoDB is awsJson1_0 in both.
 * moto answers all of them (STS errors come back as XML <ErrorResponse> which both SDKs parse).
 */
import { execFile } from "node:child_process";
import { startMotoServer as startMoto0 } from "../../devkit/cli/demo/moto.js";
import { cleanAwsEnv } from "../../devkit/processKit.mjs";

export interface BaseCredentials {
  userName: string;
  accessKeyId: string;
  secretAccessKey: string;
  arn: string;
}

export interface MotoRoles {
  /** Trusts the base user; allows dynamodb:GetItem (Resource "*") and sts:AssumeRole on `chained`. No S3. */
  reader: string;
  /** Trusts `{"AWS": "*"}`; allows only sts:GetCallerIdentity. Assumable by the base user and by reader. */
  chained: string;
  /** Trusts another user only, and the base user's policy does not name it: AssumeRole -> AccessDenied. */
  forbidden: string;
  /** Trusts the base user with Condition StringEquals sts:ExternalId = `externalId`; allows GetItem. */
  external: string;
}

export interface MotoEnvironment {
  /** http://127.0.0.1:PORT */
  endpoint: string;
  port: number;
  /** pid of the moto_server process */
  pid: number;
  /** moto's account, 123456789012 unless MOTO_ACCOUNT_ID says otherwise */
  accountId: string;
  region: string;
  /** IAM user the sidecar uses as its base credentials (plays the Lambda execution role). */
  base: BaseCredentials;
  roles: MotoRoles;
  externalId: string;
  tableName: string;
  /** DynamoDB key of the seeded item, in low-level attribute-value form */
  itemKey: Record<string, { S: string }>;
  bucketName: string;
  objectKey: string;
  objectBody: string;
  /** Last lines moto_server wrote to stdout/stderr (request log), for diagnostics. */
  logs(): string;
  stop(): Promise<void>;
}

const REGION = "us-east-1";
const TABLE = "sidecar-test-table";
const BUCKET = "sidecar-test-bucket";
const OBJECT_KEY = "secret.txt";
const OBJECT_BODY = "top secret";
const EXTERNAL_ID = "sidecar-external-id";

const SEED_SCRIPT = `
import json, sys
import boto3

p = json.loads(sys.argv[1])
kw = dict(endpoint_url=p["endpoint"], region_name=p["region"],
          aws_access_key_id="seed", aws_secret_access_key="seed")
iam = boto3.client("iam", **kw)
ddb = boto3.client("dynamodb", **kw)
s3 = boto3.client("s3", **kw)

user = iam.create_user(UserName="sidecar-base")["User"]
account = user["Arn"].split(":")[4]
key = iam.create_access_key(UserName="sidecar-base")["AccessKey"]
role_arn = lambda name: "arn:aws:iam::%s:role/%s" % (account, name)
doc = lambda statements: json.dumps({"Version": "2012-10-17", "Statement": statements})
stranger = "arn:aws:iam::%s:user/someone-else" % account

iam.put_user_policy(UserName="sidecar-base", PolicyName="assume", PolicyDocument=doc([
    {"Effect": "Allow", "Action": "sts:AssumeRole",
     "Resource": [role_arn("reader"), role_arn("chained"), role_arn("external")]}]))

def role(name, trust, permissions):
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=doc([trust]))
    iam.put_role_policy(RoleName=name, PolicyName="permissions", PolicyDocument=doc(permissions))

role("reader",
     {"Effect": "Allow", "Principal": {"AWS": user["Arn"]}, "Action": "sts:AssumeRole"},
     [{"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"},
      {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role_arn("chained")}])
role("chained",
     {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"},
     [{"Effect": "Allow", "Action": "sts:GetCallerIdentity", "Resource": "*"}])
role("forbidden",
     {"Effect": "Allow", "Principal": {"AWS": stranger}, "Action": "sts:AssumeRole"},
     [{"Effect": "Allow", "Action": "*", "Resource": "*"}])
role("external",
     {"Effect": "Allow", "Principal": {"AWS": user["Arn"]}, "Action": "sts:AssumeRole",
      "Condition": {"StringEquals": {"sts:ExternalId": p["externalId"]}}},
     [{"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"}])

ddb.create_table(TableName=p["table"], BillingMode="PAY_PER_REQUEST",
                 KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                 AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}])
ddb.put_item(TableName=p["table"], Item=dict(p["itemKey"], value={"S": "hello"}))
s3.create_bucket(Bucket=p["bucket"])
s3.put_object(Bucket=p["bucket"], Key=p["objectKey"], Body=p["objectBody"].encode())

print(json.dumps({"account": account, "userName": user["UserName"], "arn": user["Arn"],
                  "accessKeyId": key["AccessKeyId"], "secretAccessKey": key["SecretAccessKey"],
                  "roles": {n: role_arn(n) for n in ("reader", "chained", "forbidden", "external")}}))
`;

interface SeedOutput {
  account: string;
  userName: string;
  arn: string;
  accessKeyId: string;
  secretAccessKey: string;
  roles: MotoRoles;
}

/** Environment for helper processes: no AWS_* from the parent, no shared config/credentials files. */
const isolatedEnv = () => cleanAwsEnv({ MOTO_ACCOUNT_ID: process.env.MOTO_ACCOUNT_ID });

function seed(endpoint: string): Promise<SeedOutput> {
  const params = JSON.stringify({
    endpoint,
    region: REGION,
    table: TABLE,
    itemKey: { pk: { S: "item-1" } },
    bucket: BUCKET,
    objectKey: OBJECT_KEY,
    objectBody: OBJECT_BODY,
    externalId: EXTERNAL_ID,
  });
  return new Promise((resolve, reject) => {
    execFile(
      "python3",
      ["-c", SEED_SCRIPT, params],
      { env: isolatedEnv(), timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`seeding moto failed: ${error.message}\n${stderr}`));
          return;
        }
        try {
          resolve(JSON.parse(stdout) as SeedOutput);
        } catch (parseError) {
          reject(new Error(`seeding moto printed no JSON (${String(parseError)}):\n${stdout}\n${stderr}`));
        }
      },
    );
  });
}

async function enableAuth(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/reset-auth`, {
    method: "POST",
    headers: { "Content-Type": "text/plain" },
    body: "0",
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`moto reset-auth answered ${response.status}: ${text}`);
}

/** A bare moto_server: nothing seeded, any credentials accepted. */
export interface MotoServer {
  endpoint: string;
  port: number;
  pid: number;
  logs(): string;
  stop(): Promise<void>;
}

/** Starts moto_server alone (no seed, no auth) on a port it picks itself, for tests of other services. */
export async function startMotoServer(): Promise<MotoServer> {
  const server = await startMoto0({ MOTO_ACCOUNT_ID: process.env.MOTO_ACCOUNT_ID });
  const pid = server.process.child.pid;
  if (pid === undefined) throw new Error("moto_server started without a pid");
  return {
    endpoint: server.endpoint,
    port: server.port,
    pid,
    logs: server.process.output,
    stop: server.stop,
  };
}

/** Starts moto_server, seeds it, then switches on SigV4 + IAM enforcement. */
export async function startMoto(): Promise<MotoEnvironment> {
  const { endpoint, port, pid, logs, stop } = await startMotoServer();
  try {
    const seeded = await seed(endpoint);
    await enableAuth(endpoint);
    return {
      endpoint,
      port,
      pid,
      accountId: seeded.account,
      region: REGION,
      base: {
        userName: seeded.userName,
        accessKeyId: seeded.accessKeyId,
        secretAccessKey: seeded.secretAccessKey,
        arn: seeded.arn,
      },
      roles: seeded.roles,
      externalId: EXTERNAL_ID,
      tableName: TABLE,
      itemKey: { pk: { S: "item-1" } },
      bucketName: BUCKET,
      objectKey: OBJECT_KEY,
      objectBody: OBJECT_BODY,
      logs,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
