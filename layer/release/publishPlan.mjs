// The publish command's pure part: reading its arguments, deciding what goes where, and the lines it
// prints. publish.mjs does the I/O.
import { parseArgs } from "node:util";
import { PUBLISHED } from "./runtimes.mjs";

/** Lambda's limit for a zip sent in the PublishLayerVersion request itself; larger ones go through S3. */
export const DIRECT_UPLOAD_LIMIT = 50_000_000;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
// Lambda allows [a-zA-Z0-9-_]{1,140} for a layer name; the variant's suffix is added to this one.
const LAYER_NAME = /^[A-Za-z0-9_-]{1,120}$/;

export const USAGE = `Usage: node layer/release/publish.mjs --regions REGION[,REGION…] [options]
Publishes the release's layer zips (make release) as layer versions, one layer per variant:
<layer-name>-x86_64, <layer-name>-arm64, <layer-name>-nodejs. Credentials: the AWS SDK's default chain.
  --regions LIST        comma-separated regions (required)
  --public              let every account use the new versions (lambda:GetLayerVersion for *)
  --layer-name NAME     layer name prefix (default credentials-sidecar)
  --variants LIST       x86_64,arm64,nodejs (default all three)
  --bucket REGION=NAME  upload through this S3 bucket in that region (needed for zips over 50 MB)
  --dir DIR             the release folder (default dist/release)
  --summary FILE        also write the JSON summary to FILE
  --dry-run             print what would be published, call nothing
`;

/** A usage error: the command prints it with the usage text and exits 2. */
export class UsageError extends Error {}

const list = (value) =>
  value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");

/** Reads the command line into options; throws UsageError naming what is wrong. */
export function parseOptions(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        regions: { type: "string" },
        public: { type: "boolean", default: false },
        "layer-name": { type: "string", default: "credentials-sidecar" },
        variants: { type: "string", default: Object.keys(PUBLISHED).join(",") },
        bucket: { type: "string", multiple: true, default: [] },
        dir: { type: "string" },
        summary: { type: "string" },
        "dry-run": { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return { help: true };
  if (values.regions === undefined) throw new UsageError("--regions is required");
  const regions = [...new Set(list(values.regions))];
  if (regions.length === 0) throw new UsageError("--regions names no region");
  for (const region of regions) {
    if (!REGION.test(region))
      throw new UsageError(`--regions: ${JSON.stringify(region)} is not a region name`);
  }
  const variants = [...new Set(list(values.variants))];
  if (variants.length === 0) throw new UsageError("--variants names no variant");
  for (const variant of variants) {
    if (!(variant in PUBLISHED))
      throw new UsageError(
        `--variants: unknown ${JSON.stringify(variant)}, use ${Object.keys(PUBLISHED).join(",")}`,
      );
  }
  const layerName = values["layer-name"];
  if (!LAYER_NAME.test(layerName))
    throw new UsageError(`--layer-name ${JSON.stringify(layerName)}: use 1-120 of A-Z a-z 0-9 _ -`);
  const buckets = {};
  for (const entry of values.bucket) {
    const [region, bucket, ...rest] = entry.split("=");
    if (!bucket || rest.length > 0) throw new UsageError(`--bucket ${entry}: use REGION=BUCKET`);
    if (!regions.includes(region)) throw new UsageError(`--bucket ${entry}: ${region} is not in --regions`);
    if (region in buckets) throw new UsageError(`--bucket: two buckets for ${region}`);
    buckets[region] = bucket;
  }
  return {
    help: false,
    regions,
    variants,
    layerName,
    public: values.public,
    buckets,
    dir: values.dir,
    summary: values.summary,
    dryRun: values["dry-run"],
  };
}

/**
 * One job per region and variant: which file, under which layer name, uploaded how, with what
 * metadata. `zips` maps each variant to { file, size, sha256 }. Throws, before anything is published,
 * when a zip is too large for a direct upload and a region has no bucket.
 */
export function planJobs(options, { version, license, zips }) {
  const tooLarge = options.variants.filter((variant) => zips[variant].size > DIRECT_UPLOAD_LIMIT);
  const noBucket = options.regions.filter((region) => !(region in options.buckets));
  if (tooLarge.length > 0 && noBucket.length > 0) {
    throw new UsageError(
      `${tooLarge.map((v) => zips[v].file).join(", ")} is over ${DIRECT_UPLOAD_LIMIT} bytes, the limit for a ` +
        `direct upload: pass --bucket REGION=BUCKET for ${noBucket.join(", ")}`,
    );
  }
  return options.regions.flatMap((region) =>
    options.variants.map((variant) => {
      const zip = zips[variant];
      const bucket = options.buckets[region];
      return {
        region,
        variant,
        layerName: `${options.layerName}-${variant}`,
        file: zip.file,
        size: zip.size,
        sha256: zip.sha256,
        upload: bucket ? { bucket, key: `credentials-sidecar/${version}/${zip.file}` } : undefined,
        description: `credentials-sidecar ${version} (${variant})`,
        license,
        architectures: PUBLISHED[variant].architectures,
        runtimes: PUBLISHED[variant].runtimes,
      };
    }),
  );
}

/** `eu-west-1  arm64   arn:…:layer:credentials-sidecar-arm64:3  public` */
export function publishedLine(result) {
  return `${result.region.padEnd(15)} ${result.variant.padEnd(7)} ${result.arn}${result.public ? "  public" : ""}`;
}

export function plannedLine(job) {
  const via = job.upload ? `via s3://${job.upload.bucket}/${job.upload.key}` : "direct upload";
  return `${job.region.padEnd(15)} ${job.variant.padEnd(7)} ${job.layerName} <- ${job.file} (${job.size} bytes, ${via})`;
}

/** Replaces every occurrence of the given secrets (credentials from the environment) in a text. */
export function redact(text, secrets) {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join("[redacted]");
  }
  return out;
}
