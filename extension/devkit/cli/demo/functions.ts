/**
 * The demo's function code, written into a temp folder at run time (dist/ ships only cli.mjs).
 * Each function has a minimal runtime loop (what Lambda's own runtime does: poll invocation/next,
 * call the handler, post the answer) and a handler that is plain SDK code: no credential code for
 * the default role. Handlers return the same shape, rendered by demoReport.ts.
 */

/** What a demo handler returns for one invocation. */
export interface DemoResult {
  readonly runtime: string;
  /** Whether AWS_ACCESS_KEY_ID is still in the function's environment (the wrapper moves it). */
  readonly keysInEnvironment: boolean;
  readonly credentialsUri: string | null;
  readonly executionRole: string;
  readonly defaultChain: string;
  readonly calls: readonly DemoCall[];
}

export interface DemoCall {
  readonly call: string;
  readonly outcome: "allowed" | "denied";
  readonly detail: string;
}

export const NODE_RUNTIME = `// A minimal Lambda runtime loop, as Lambda's own Node runtime does it.
import { handler } from "./index.mjs";

const api = \`http://\${process.env.AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime\`;
for (;;) {
  const next = await fetch(\`\${api}/invocation/next\`);
  const requestId = next.headers.get("lambda-runtime-aws-request-id");
  const event = await next.json();
  let outcome = "response";
  let body;
  try {
    body = JSON.stringify(await handler(event));
  } catch (error) {
    outcome = "error";
    body = JSON.stringify({ errorType: error.name, errorMessage: error.message });
  }
  await fetch(\`\${api}/invocation/\${requestId}/\${outcome}\`, { method: "POST", body });
}
`;

export const NODE_HANDLER = `// The demo function: plain AWS SDK for JavaScript v3 code.
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { fromHttp } from "@aws-sdk/credential-provider-http";

const env = process.env;
// No credentials here: the default chain finds the sidecar's default role (the wrapper set it up).
const sts = new STSClient({});
// Another configured role, by name.
const audit = new STSClient({
  credentials: fromHttp({
    awsContainerCredentialsFullUri: \`\${env.CREDENTIALS_SIDECAR_ROLES_URL}audit\`,
    awsContainerAuthorizationToken: env.CREDENTIALS_SIDECAR_AUTHORIZATION_TOKEN,
  }),
});
// The execution role, which the wrapper moved out of the SDKs' way.
const executionRole = new STSClient({
  credentials: {
    accessKeyId: env.CREDENTIALS_SIDECAR_EXECUTION_ROLE_ACCESS_KEY_ID,
    secretAccessKey: env.CREDENTIALS_SIDECAR_EXECUTION_ROLE_SECRET_ACCESS_KEY,
    sessionToken: env.CREDENTIALS_SIDECAR_EXECUTION_ROLE_SESSION_TOKEN,
  },
});

async function attempt(call, action) {
  try {
    return { call, outcome: "allowed", detail: await action() };
  } catch (error) {
    return { call, outcome: "denied", detail: \`\${error.name}: \${error.message}\` };
  }
}

export async function handler(event) {
  const me = await sts.send(new GetCallerIdentityCommand({}));
  const exec = await executionRole.send(new GetCallerIdentityCommand({}));
  return {
    runtime: \`nodejs \${process.version}\`,
    keysInEnvironment: env.AWS_ACCESS_KEY_ID !== undefined,
    credentialsUri: env.AWS_CONTAINER_CREDENTIALS_FULL_URI ?? null,
    executionRole: exec.Arn,
    defaultChain: me.Arn,
    calls: [
      await attempt("sts:GetCallerIdentity as role audit", async () =>
        (await audit.send(new GetCallerIdentityCommand({}))).Arn),
      await attempt(\`sts:AssumeRole \${event.deniedRoleArn}\`, async () => {
        await sts.send(new AssumeRoleCommand({ RoleArn: event.deniedRoleArn, RoleSessionName: "demo" }));
        return "assumed";
      }),
    ],
  };
}
`;

export const PYTHON_FUNCTION = `"""The demo function for moto: plain boto3 code, plus a minimal Lambda runtime loop."""
import json, os, platform, re, urllib.request

import boto3
from botocore.exceptions import ClientError

env = os.environ
session = boto3.session.Session()  # default chain: the sidecar's default role, no credential code
execution_role = boto3.session.Session(
    aws_access_key_id=env.get("CREDENTIALS_SIDECAR_EXECUTION_ROLE_ACCESS_KEY_ID"),
    aws_secret_access_key=env.get("CREDENTIALS_SIDECAR_EXECUTION_ROLE_SECRET_ACCESS_KEY"),
    aws_session_token=env.get("CREDENTIALS_SIDECAR_EXECUTION_ROLE_SESSION_TOKEN"))


def attempt(call, action):
    try:
        return {"call": call, "outcome": "allowed", "detail": action()}
    except ClientError as error:
        details = error.response.get("Error", {})
        code, message = str(details.get("Code", "")), str(details.get("Message", ""))
        found = re.search(r"<Code>([^<]+)</Code>", message)  # moto's XML body for JSON protocols
        if code.isdigit() and found:
            code, message = found.group(1), "(see moto's log)"
        return {"call": call, "outcome": "denied", "detail": f"{code}: {message}"}


def handler(event):
    dynamodb, s3 = session.client("dynamodb"), session.client("s3")
    return {
        "runtime": f"python {platform.python_version()}",
        "keysInEnvironment": "AWS_ACCESS_KEY_ID" in env,
        "credentialsUri": env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI"),
        "executionRole": execution_role.client("sts").get_caller_identity()["Arn"],
        "defaultChain": session.client("sts").get_caller_identity()["Arn"],
        "calls": [
            attempt(f"dynamodb:GetItem {event['table']}", lambda: json.dumps(
                dynamodb.get_item(TableName=event["table"], Key=event["key"])["Item"])),
            attempt(f"s3:GetObject s3://{event['bucket']}/{event['objectKey']}", lambda:
                s3.get_object(Bucket=event["bucket"], Key=event["objectKey"])["Body"].read().decode()),
        ],
    }


api = f"http://{env['AWS_LAMBDA_RUNTIME_API']}/2018-06-01/runtime"
while True:
    with urllib.request.urlopen(f"{api}/invocation/next") as next_event:
        request_id = next_event.headers["Lambda-Runtime-Aws-Request-Id"]
        event = json.load(next_event)
    try:
        outcome, body = "response", handler(event)
    except Exception as error:  # noqa: BLE001 - reported to the Runtime API like Lambda does
        outcome, body = "error", {"errorType": type(error).__name__, "errorMessage": str(error)}
    answer = urllib.request.Request(f"{api}/invocation/{request_id}/{outcome}",
                                    data=json.dumps(body).encode(), method="POST")
    urllib.request.urlopen(answer).close()
`;
