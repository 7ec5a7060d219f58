// Function code for tests: which identity does the JS SDK v3 default credential chain give, and what may it do?
//
// Clients are built with default construction only (no explicit credentials); the SDK honours
// AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> and AWS_REGION.
// Checks, each skipped unless its variables are set:
//   WHOAMI_TABLE + WHOAMI_KEY_JSON (low-level key, e.g. {"pk":{"S":"item-1"}}) -> dynamodb:GetItem
//   WHOAMI_BUCKET + WHOAMI_OBJECT_KEY                                          -> s3:GetObject
// No S3 client is installed, so GetObject is a plain SigV4-signed path-style GET, signed with the
// credentials the STS client's default provider chain resolved.
// Prints one JSON line: {"arn", "account", "dynamodb", "s3"}, each check "allowed" | "denied:<code>" |
// "skipped". Any other error: message on stderr, exit status 1.
import { createHash, createHmac } from "node:crypto";
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";

const DENIED_CODES = new Set(["AccessDenied", "AccessDeniedException"]);

/** Raw body of the last 4xx/5xx answer, for errors the SDK cannot deserialise. Checks run one at a time. */
let lastErrorBody = "";

// moto answers auth failures of JSON-protocol services (DynamoDB) with an XML body, which JS SDK v3
// cannot parse (it throws a SyntaxError and has consumed the stream). Keep a copy of error bodies.
function keepErrorBodies(client) {
  client.middlewareStack.addRelativeTo(
    (next) => async (args) => {
      const output = await next(args);
      const response = output.response;
      if (response && response.statusCode >= 400 && response.body) {
        const chunks = [];
        for await (const chunk of response.body) chunks.push(Buffer.from(chunk));
        const bytes = Buffer.concat(chunks);
        response.body = new Uint8Array(bytes);
        lastErrorBody = bytes.toString("utf8");
      }
      return output;
    },
    { relation: "after", toMiddleware: "deserializerMiddleware", name: "whoamiKeepErrorBodies" },
  );
  return client;
}

function xmlCode(text) {
  return /<Code>([^<]+)<\/Code>/.exec(text)?.[1];
}

function errorCode(error) {
  const status = error?.$metadata?.httpStatusCode;
  if (error?.name === "SyntaxError" && status !== undefined) return xmlCode(lastErrorBody) ?? String(status);
  return error?.Code ?? error?.name ?? String(error);
}

async function check(action) {
  try {
    lastErrorBody = "";
    await action();
    return "allowed";
  } catch (error) {
    const code = errorCode(error);
    if (DENIED_CODES.has(code)) return `denied:${code}`;
    if (error?.name === "SyntaxError" && lastErrorBody) {
      const wrapped = new Error(lastErrorBody, { cause: error });
      wrapped.name = code;
      throw wrapped;
    }
    throw error;
  }
}

const sha256 = (data) => createHash("sha256").update(data).digest("hex");
const hmac = (key, data) => createHmac("sha256", key).update(data).digest();
const encodeSegment = (segment) =>
  encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

async function s3GetObject(credentials, region, bucket, key) {
  const endpoint = (
    process.env.AWS_ENDPOINT_URL_S3 ??
    process.env.AWS_ENDPOINT_URL ??
    `https://s3.${region}.amazonaws.com`
  ).replace(/\/+$/, "");
  const url = new URL(`${endpoint}/${encodeSegment(bucket)}/${key.split("/").map(encodeSegment).join("/")}`);
  const amzDate = new Date()
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
  const date = amzDate.slice(0, 8);
  const payloadHash = sha256("");
  const headers = { host: url.host, "x-amz-content-sha256": payloadHash, "x-amz-date": amzDate };
  if (credentials.sessionToken) headers["x-amz-security-token"] = credentials.sessionToken;
  const names = Object.keys(headers).sort();
  const signedHeaders = names.join(";");
  const canonicalRequest = [
    "GET",
    url.pathname,
    "",
    ...names.map((name) => `${name}:${headers[name]}`),
    "",
    signedHeaders,
    payloadHash,
  ].join("\n");
  const scope = `${date}/${region}/s3/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonicalRequest)].join("\n");
  let signingKey = hmac(`AWS4${credentials.secretAccessKey}`, date);
  for (const part of [region, "s3", "aws4_request"]) signingKey = hmac(signingKey, part);
  const signature = createHmac("sha256", signingKey).update(stringToSign).digest("hex");
  const { host: _host, ...sent } = headers;
  const response = await fetch(url, {
    headers: {
      ...sent,
      authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    },
  });
  const body = await response.text();
  if (!response.ok) {
    const error = new Error(`S3 GetObject answered ${response.status}: ${body}`);
    error.name = xmlCode(body) ?? `Http${response.status}`;
    throw error;
  }
}

/**
 * With WHOAMI_WAIT_FOR_GO=1 the SDK is loaded, "whoami: ready" goes to stderr, and nothing is asked
 * until one JSON line of variables arrives on stdin (added to the environment): a test then times the
 * first credential request by an event, and can hand over values it learns only later (a token).
 */
async function waitForGo() {
  if (process.env.WHOAMI_WAIT_FOR_GO !== "1") return;
  process.stderr.write("whoami: ready\n");
  let line = "";
  for await (const chunk of process.stdin) {
    line += chunk;
    if (line.includes("\n")) break;
  }
  process.stdin.destroy();
  Object.assign(process.env, JSON.parse(line));
}

async function main() {
  await waitForGo();
  const sts = new STSClient({});
  const identity = await sts.send(new GetCallerIdentityCommand({}));
  const result = { arn: identity.Arn, account: identity.Account, dynamodb: "skipped", s3: "skipped" };

  const table = process.env.WHOAMI_TABLE;
  const keyJson = process.env.WHOAMI_KEY_JSON;
  if (table && keyJson) {
    const dynamodb = keepErrorBodies(new DynamoDBClient({}));
    result.dynamodb = await check(() =>
      dynamodb.send(new GetItemCommand({ TableName: table, Key: JSON.parse(keyJson) })),
    );
  }

  const bucket = process.env.WHOAMI_BUCKET;
  const objectKey = process.env.WHOAMI_OBJECT_KEY;
  if (bucket && objectKey) {
    const credentials = await sts.config.credentials();
    const region = await sts.config.region();
    result.s3 = await check(() => s3GetObject(credentials, region, bucket, objectKey));
  }

  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error) => {
  console.error(`whoami.mjs: ${error?.name ?? "Error"}: ${error?.message ?? error}`);
  process.exitCode = 1;
});
