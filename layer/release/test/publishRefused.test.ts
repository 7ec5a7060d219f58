// The publish command against moto with SigV4 and IAM enforced, when AWS refuses part of the work.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MotoServer, startMotoServer } from "../../../extension/test/support/moto.js";
import {
  CREDENTIALS,
  expectNoCredentials,
  publish,
  type Run,
  summaryOf,
  writeRelease,
} from "./support/publishRun.js";

let work: string;
let releaseDir: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "publish-refused-test-"));
  releaseDir = mkdtempSync(join(work, "release-"));
  await writeRelease(releaseDir);
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

// moto with SigV4 and IAM enforced: a user that may publish layer versions but not share them.
describe("layer/release/publish.mjs when AWS refuses part of the work", () => {
  let strict: MotoServer;
  let user: { AccessKeyId: string; SecretAccessKey: string };
  const SEED = `
import json, sys, boto3
iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1",
                   aws_access_key_id="seed", aws_secret_access_key="seed")
iam.create_user(UserName="publisher")
iam.put_user_policy(UserName="publisher", PolicyName="publish", PolicyDocument=json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "lambda:PublishLayerVersion", "Resource": "*"}]}))
key = iam.create_access_key(UserName="publisher")["AccessKey"]
print(json.dumps({"AccessKeyId": key["AccessKeyId"], "SecretAccessKey": key["SecretAccessKey"]}))
`;

  beforeAll(async () => {
    strict = await startMotoServer();
    const seeded = await new Promise<string>((resolve, reject) =>
      execFile("python3", ["-c", SEED, strict.endpoint], (error, stdout, stderr) =>
        error ? reject(new Error(`seeding moto failed: ${stderr}`)) : resolve(stdout),
      ),
    );
    user = JSON.parse(seeded);
    const auth = await fetch(`${strict.endpoint}/moto-api/reset-auth`, {
      method: "POST",
      headers: { "Content-Type": "text/plain" },
      body: "0",
    });
    expect(auth.ok).toBe(true);
  });

  afterAll(async () => {
    await strict?.stop();
  });

  function publishAs(credentials: Record<string, string>, args: string[]): Promise<Run> {
    return publish({ endpoint: strict.endpoint, home: work, dir: releaseDir, args, credentials });
  }

  it("names the version it published but could not make public, and exits 1", async () => {
    const credentials = { AWS_ACCESS_KEY_ID: user.AccessKeyId, AWS_SECRET_ACCESS_KEY: user.SecretAccessKey };
    const run = await publishAs(credentials, ["--regions", "us-east-1", "--variants", "nodejs", "--public"]);
    expect(run.code).toBe(1);
    // moto answers a refused REST-JSON call with an XML body, so the SDK names a deserialization
    // error rather than AccessDeniedException; what matters here is the ARN of the private version.
    expect(run.stderr).toMatch(
      /^FAILED us-east-1 nodejs: \w+: published arn:aws:lambda:us-east-1:123456789012:layer:credentials-sidecar-nodejs:1 but not public: /m,
    );
    expect(summaryOf(run.stdout).failed).toHaveLength(1);
    expect(run.stdout + run.stderr).not.toContain(user.SecretAccessKey);
  });

  it("reports refused credentials per region without printing them", async () => {
    const run = await publishAs(CREDENTIALS, ["--regions", "us-east-1,eu-west-1", "--variants", "arm64"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("FAILED us-east-1 arm64: ");
    expect(run.stderr).toContain("FAILED eu-west-1 arm64: ");
    expect(run.stderr).toContain("2 of 2 layer versions failed, in us-east-1, eu-west-1");
    expectNoCredentials(run);
  });
});
