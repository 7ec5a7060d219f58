// The publish command as a process against moto's Lambda and S3 (moto implements PublishLayerVersion,
// AddLayerVersionPermission, GetLayerVersion(Policy) and layers from S3), with small stand-in zips.
// When AWS refuses part of the work: publishRefused.test.ts.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  GetLayerVersionCommand,
  GetLayerVersionPolicyCommand,
  LambdaClient,
  ListLayerVersionsCommand,
} from "@aws-sdk/client-lambda";
import { CreateBucketCommand, HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MotoServer, startMotoServer } from "../../../extension/test/support/moto.js";
import { sha256, zipName } from "../artifacts.mjs";
import { DIRECT_UPLOAD_LIMIT } from "../publishPlan.mjs";
import { PUBLISHED } from "../runtimes.mjs";
import {
  expectNoCredentials,
  publish as publishTo,
  type Run,
  summaryOf,
  VARIANTS,
  version,
  writeRelease,
} from "./support/publishRun.js";

let moto: MotoServer;
let work: string;
let releaseDir: string;
const zips: Record<string, Buffer> = {};

function publish(args: string[], dir = releaseDir): Promise<Run> {
  return publishTo({ endpoint: moto.endpoint, home: work, dir, args });
}

const lambda = (region: string) =>
  new LambdaClient({
    region,
    endpoint: moto.endpoint,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "publish-test-"));
  releaseDir = mkdtempSync(join(work, "release-"));
  const files = await writeRelease(releaseDir);
  for (const variant of VARIANTS) zips[variant] = files[zipName(version, variant)] as Buffer;
  moto = await startMotoServer();
});

afterAll(async () => {
  await moto?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("layer/release/publish.mjs against moto", () => {
  it("publishes every variant to every region, public, printing one ARN per line and a summary", async () => {
    const run = await publish(["--regions", "eu-west-1,us-east-1", "--public", "--layer-name", "pub"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n").filter((line) => line.includes(" arn:aws:lambda:"));
    expect(lines.sort()).toEqual(
      ["eu-west-1", "us-east-1"]
        .flatMap((region) =>
          VARIANTS.map(
            (v) =>
              `${region.padEnd(15)} ${v.padEnd(7)} arn:aws:lambda:${region}:123456789012:layer:pub-${v}:1  public`,
          ),
        )
        .sort(),
    );
    const summary = summaryOf(run.stdout);
    expect(summary).toMatchObject({ version, public: true, failed: [] });
    expect(
      summary.published.map((p: { region: string; variant: string }) => `${p.region} ${p.variant}`),
    ).toEqual([
      "eu-west-1 x86_64",
      "eu-west-1 arm64",
      "eu-west-1 nodejs",
      "us-east-1 x86_64",
      "us-east-1 arm64",
      "us-east-1 nodejs",
    ]);
    expectNoCredentials(run);

    for (const region of ["eu-west-1", "us-east-1"]) {
      const client = lambda(region);
      for (const variant of VARIANTS) {
        const layer = await client.send(
          new GetLayerVersionCommand({ LayerName: `pub-${variant}`, VersionNumber: 1 }),
        );
        expect(layer).toMatchObject({
          LayerVersionArn: `arn:aws:lambda:${region}:123456789012:layer:pub-${variant}:1`,
          Description: `credentials-sidecar ${version} (${variant})`,
          LicenseInfo: "Apache-2.0",
          CompatibleArchitectures: PUBLISHED[variant].architectures,
          CompatibleRuntimes: PUBLISHED[variant].runtimes,
        });
        const zip = zips[variant] as Buffer;
        expect(layer.Content?.CodeSha256).toBe(Buffer.from(sha256(zip), "hex").toString("base64"));
        expect(layer.Content?.CodeSize).toBe(zip.length);
        const policy = await client.send(
          new GetLayerVersionPolicyCommand({ LayerName: `pub-${variant}`, VersionNumber: 1 }),
        );
        expect(JSON.parse(policy.Policy ?? "{}").Statement).toEqual([
          expect.objectContaining({ Effect: "Allow", Principal: "*", Action: "lambda:GetLayerVersion" }),
        ]);
      }
      client.destroy();
    }
  });

  it("publishes privately by default, as the next version of an existing layer", async () => {
    const first = await publish(["--regions", "eu-central-1", "--variants", "arm64", "--layer-name", "priv"]);
    const second = await publish([
      "--regions",
      "eu-central-1",
      "--variants",
      "arm64",
      "--layer-name",
      "priv",
    ]);
    expect([first.code, second.code]).toEqual([0, 0]);
    expect(second.stdout).toContain("arn:aws:lambda:eu-central-1:123456789012:layer:priv-arm64:2\n");
    expect(second.stdout).not.toContain("public\n");
    const client = lambda("eu-central-1");
    await expect(
      client.send(new GetLayerVersionPolicyCommand({ LayerName: "priv-arm64", VersionNumber: 2 })),
    ).rejects.toMatchObject({ name: "ResourceNotFoundException" });
    client.destroy();
  });

  it("uploads through a region's S3 bucket; a region whose upload fails is reported and the command fails", async () => {
    const s3 = new S3Client({
      region: "eu-west-2",
      endpoint: moto.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
    });
    await s3.send(
      new CreateBucketCommand({
        Bucket: "releases-london",
        CreateBucketConfiguration: { LocationConstraint: "eu-west-2" },
      }),
    );
    const run = await publish([
      "--regions",
      "eu-west-2,ap-south-1",
      "--variants",
      "x86_64,nodejs",
      "--layer-name",
      "s3",
      "--bucket",
      "eu-west-2=releases-london",
      "--bucket",
      "ap-south-1=no-such-bucket",
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("arn:aws:lambda:eu-west-2:123456789012:layer:s3-x86_64:1\n");
    expect(run.stdout).toContain("arn:aws:lambda:eu-west-2:123456789012:layer:s3-nodejs:1\n");
    expect(run.stderr).toContain("FAILED ap-south-1 x86_64: NoSuchBucket");
    expect(run.stderr).toContain("FAILED ap-south-1 nodejs: NoSuchBucket");
    expect(run.stderr).toContain("2 of 4 layer versions failed, in ap-south-1");
    const summary = summaryOf(run.stdout);
    expect(summary.published.map((p: { region: string }) => p.region)).toEqual(["eu-west-2", "eu-west-2"]);
    expect(
      summary.failed.map((f: { region: string; variant: string }) => `${f.region} ${f.variant}`),
    ).toEqual(["ap-south-1 x86_64", "ap-south-1 nodejs"]);
    expectNoCredentials(run);

    const key = `credentials-sidecar/${version}/${zipName(version, "x86_64")}`;
    const object = await s3.send(new HeadObjectCommand({ Bucket: "releases-london", Key: key }));
    expect(object.ContentLength).toBe(zips.x86_64?.length);
    const client = lambda("eu-west-2");
    const layer = await client.send(new GetLayerVersionCommand({ LayerName: "s3-x86_64", VersionNumber: 1 }));
    expect(layer.Content?.CodeSha256).toBe(
      Buffer.from(sha256(zips.x86_64 as Buffer), "hex").toString("base64"),
    );
    client.destroy();
    s3.destroy();
  });

  it("refuses, before publishing anything, a zip over the direct-upload limit when a region has no bucket", async () => {
    const dir = mkdtempSync(join(work, "large-"));
    await writeRelease(dir, { arm64: DIRECT_UPLOAD_LIMIT + 1 });
    const run = await publish(["--regions", "sa-east-1", "--layer-name", "large"], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${zipName(version, "arm64")} is over 50000000 bytes`);
    expect(run.stderr).toContain("--bucket REGION=BUCKET for sa-east-1");
    const client = lambda("sa-east-1");
    for (const variant of VARIANTS) {
      const versions = await client.send(new ListLayerVersionsCommand({ LayerName: `large-${variant}` }));
      expect(versions.LayerVersions ?? []).toEqual([]);
    }
    client.destroy();
  });

  it("refuses a release whose zip does not match SHA256SUMS, or that is missing", async () => {
    const dir = mkdtempSync(join(work, "tampered-"));
    await writeRelease(dir);
    writeFileSync(join(dir, zipName(version, "nodejs")), "tampered");
    const tampered = await publish(["--regions", "eu-west-1", "--layer-name", "tampered"], dir);
    expect(tampered.code).toBe(2);
    expect(tampered.stderr).toContain(`${zipName(version, "nodejs")} does not match`);
    const empty = await publish(["--regions", "eu-west-1"], mkdtempSync(join(work, "empty-")));
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("run `make release` first");
  });

  it("--dry-run prints the plan and publishes nothing", async () => {
    const run = await publish(["--regions", "ca-central-1", "--layer-name", "dry", "--dry-run", "--public"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `would publish ca-central-1    x86_64  dry-x86_64 <- ${zipName(version, "x86_64")} (${zips.x86_64?.length} bytes, direct upload)`,
    );
    expect(summaryOf(run.stdout)).toMatchObject({ dryRun: true, public: true });
    const client = lambda("ca-central-1");
    const versions = await client.send(new ListLayerVersionsCommand({ LayerName: "dry-x86_64" }));
    expect(versions.LayerVersions ?? []).toEqual([]);
    client.destroy();
  });

  it("exits 2 with the usage on bad arguments", async () => {
    const run = await publish(["--regions", "eu-west-1", "--variants", "mips"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--variants: unknown "mips"');
    expect(run.stderr).toContain("Usage: node layer/release/publish.mjs");
  });
});
