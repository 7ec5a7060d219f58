// Publishes a release's layer zips as Lambda layer versions in a list of regions, optionally public,
// and prints each LayerVersionArn and a JSON summary. A release tool, not part of the layer.
// Run `node layer/release/publish.mjs --help` for the options. Exit codes: 0 all published, 1 some region
// or variant failed (the others are still published and listed), 2 bad arguments or release folder.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  AddLayerVersionPermissionCommand,
  LambdaClient,
  PublishLayerVersionCommand,
} from "@aws-sdk/client-lambda";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { parseSums, readVersion, sha256, zipName } from "./artifacts.mjs";
import {
  parseOptions,
  planJobs,
  plannedLine,
  publishedLine,
  redact,
  USAGE,
  UsageError,
} from "./publishPlan.mjs";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const out = (line) => process.stdout.write(`${line}\n`);
const err = (line) => process.stderr.write(`${line}\n`);
// Never printed: an SDK error message could in principle echo part of a request.
const secrets = [
  process.env.AWS_ACCESS_KEY_ID,
  process.env.AWS_SECRET_ACCESS_KEY,
  process.env.AWS_SESSION_TOKEN,
];

/** The release's zips, each checked against SHA256SUMS (a partial or edited release is refused). */
function readRelease(dir, variants) {
  const version = readVersion(repo);
  const license = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")).license;
  const sumsPath = join(dir, "SHA256SUMS");
  let sums;
  try {
    sums = parseSums(readFileSync(sumsPath, "utf8"), sumsPath);
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : error}: run \`make release\` first`);
  }
  const zips = {};
  for (const variant of variants) {
    const file = zipName(version, variant);
    let data;
    try {
      data = readFileSync(join(dir, file));
    } catch {
      throw new UsageError(`${join(dir, file)} is missing: run \`make release\` for version ${version}`);
    }
    const digest = sha256(data);
    if (sums.get(file) !== digest)
      throw new UsageError(
        `${file} does not match ${sumsPath} (sha256 ${digest}): run \`make release\` again`,
      );
    zips[variant] = { file, size: data.length, sha256: digest, data };
  }
  return { version, license, zips };
}

async function publishOne(job, data, clients, isPublic) {
  let content;
  if (job.upload) {
    await clients
      .s3()
      .send(new PutObjectCommand({ Bucket: job.upload.bucket, Key: job.upload.key, Body: data }));
    content = { S3Bucket: job.upload.bucket, S3Key: job.upload.key };
  } else {
    content = { ZipFile: data };
  }
  const published = await clients.lambda.send(
    new PublishLayerVersionCommand({
      LayerName: job.layerName,
      Description: job.description,
      Content: content,
      CompatibleArchitectures: job.architectures,
      CompatibleRuntimes: job.runtimes,
      LicenseInfo: job.license,
    }),
  );
  if (isPublic) {
    try {
      await clients.lambda.send(
        new AddLayerVersionPermissionCommand({
          LayerName: job.layerName,
          VersionNumber: published.Version,
          StatementId: "public",
          Action: "lambda:GetLayerVersion",
          Principal: "*",
        }),
      );
    } catch (error) {
      // The version exists but is private: say which, so it can be made public or deleted.
      if (error instanceof Error)
        error.message = `published ${published.LayerVersionArn} but not public: ${error.message}`;
      throw error;
    }
  }
  return { arn: published.LayerVersionArn, version: published.Version };
}

/** Regions run side by side; the variants of one region one after the other. */
async function publishAll(options, jobs, zips) {
  const published = [];
  const failed = [];
  const byRegion = new Map();
  for (const job of jobs) byRegion.set(job.region, [...(byRegion.get(job.region) ?? []), job]);
  await Promise.all(
    [...byRegion].map(async ([region, regionJobs]) => {
      const lambda = new LambdaClient({ region });
      let s3;
      const clients = { lambda, s3: () => (s3 ??= new S3Client({ region })) };
      try {
        for (const job of regionJobs) {
          try {
            const { arn, version } = await publishOne(job, zips[job.variant].data, clients, options.public);
            const result = {
              region,
              variant: job.variant,
              layerName: job.layerName,
              version,
              arn,
              public: options.public,
            };
            published.push(result);
            out(publishedLine(result));
          } catch (error) {
            const name = error instanceof Error ? error.name : "Error";
            const message = redact(error instanceof Error ? error.message : String(error), secrets);
            failed.push({
              region,
              variant: job.variant,
              layerName: job.layerName,
              error: `${name}: ${message}`,
            });
            err(`FAILED ${region} ${job.variant}: ${name}: ${message}`);
          }
        }
      } finally {
        lambda.destroy();
        s3?.destroy();
      }
    }),
  );
  const order = (a, b) =>
    jobs.findIndex((j) => j.region === a.region && j.variant === a.variant) -
    jobs.findIndex((j) => j.region === b.region && j.variant === b.variant);
  return { published: published.sort(order), failed: failed.sort(order) };
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  if (options.help) {
    out(USAGE);
    return 0;
  }
  const dir = resolve(options.dir ?? join(repo, "dist", "release"));
  const { version, license, zips } = readRelease(dir, options.variants);
  const jobs = planJobs(options, { version, license, zips });
  let summary;
  if (options.dryRun) {
    for (const job of jobs) out(`would publish ${plannedLine(job)}`);
    summary = {
      version,
      dryRun: true,
      public: options.public,
      planned: jobs.map(({ license: _, ...job }) => job),
    };
  } else {
    const { published, failed } = await publishAll(options, jobs, zips);
    summary = { version, public: options.public, published, failed };
  }
  const json = `${JSON.stringify(summary, null, 2)}\n`;
  process.stdout.write(json);
  if (options.summary) writeFileSync(options.summary, json);
  if (summary.failed?.length > 0) {
    const where = [...new Set(summary.failed.map((f) => f.region))].join(", ");
    err(`${summary.failed.length} of ${jobs.length} layer versions failed, in ${where}`);
    return 1;
  }
  return 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  const message = redact(error instanceof Error ? error.message : String(error), secrets);
  if (error instanceof UsageError) {
    err(`publish: ${message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else {
    err(`publish failed: ${message}`);
    process.exitCode = 1;
  }
}
