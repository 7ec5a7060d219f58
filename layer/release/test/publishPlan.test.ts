import { Runtime } from "@aws-sdk/client-lambda";
import { describe, expect, it } from "vitest";
import {
  DIRECT_UPLOAD_LIMIT,
  type PublishOptions,
  parseOptions,
  planJobs,
  redact,
  USAGE,
  UsageError,
} from "../publishPlan.mjs";
import { PUBLISHED } from "../runtimes.mjs";

const zips = (size = 1000) => ({
  x86_64: { file: "credentials-sidecar-1.2.3-x86_64.zip", size, sha256: "a".repeat(64) },
  arm64: { file: "credentials-sidecar-1.2.3-arm64.zip", size, sha256: "b".repeat(64) },
  nodejs: { file: "credentials-sidecar-1.2.3-nodejs.zip", size: 1000, sha256: "c".repeat(64) },
});
const release = (size?: number) => ({ version: "1.2.3", license: "Apache-2.0", zips: zips(size) });

describe("publish options", () => {
  it("reads regions, variants, buckets and flags", () => {
    const options = parseOptions([
      "--regions",
      "eu-west-1, us-east-1,eu-west-1",
      "--public",
      "--variants",
      "arm64",
      "--bucket",
      "us-east-1=my-bucket",
      "--layer-name",
      "sidecar",
    ]);
    expect(options).toMatchObject({
      regions: ["eu-west-1", "us-east-1"],
      variants: ["arm64"],
      public: true,
      buckets: { "us-east-1": "my-bucket" },
      layerName: "sidecar",
      dryRun: false,
    });
  });

  it("publishes every variant, privately, under credentials-sidecar by default", () => {
    expect(parseOptions(["--regions", "ap-southeast-2"])).toMatchObject({
      variants: ["x86_64", "arm64", "nodejs"],
      public: false,
      layerName: "credentials-sidecar",
      buckets: {},
    });
  });

  it.each([
    [[], /--regions is required/],
    [["--regions", ","], /names no region/],
    [["--regions", "eu-west-1,Europe"], /"Europe" is not a region name/],
    [["--regions", "eu-west-1", "--variants", "x86_64,s390x"], /unknown "s390x"/],
    [["--regions", "eu-west-1", "--layer-name", "has space"], /--layer-name "has space"/],
    [["--regions", "eu-west-1", "--bucket", "just-a-bucket"], /use REGION=BUCKET/],
    [["--regions", "eu-west-1", "--bucket", "us-east-1=b"], /us-east-1 is not in --regions/],
    [["--regions", "eu-west-1", "--bucket", "eu-west-1=a", "--bucket", "eu-west-1=b"], /two buckets/],
    [["--regions", "eu-west-1", "--colour"], /--colour/],
  ])("refuses %j, saying what is wrong", (argv, message) => {
    expect(() => parseOptions(argv)).toThrow(UsageError);
    expect(() => parseOptions(argv)).toThrow(message);
  });
});

describe("publish plan", () => {
  const options = (extra: string[] = []): PublishOptions =>
    parseOptions(["--regions", "eu-west-1,us-east-1", ...extra]);

  it("makes one job per region and variant, named, described and labelled", () => {
    const jobs = planJobs(options(), release());
    expect(jobs.map((j) => `${j.region} ${j.layerName}`)).toEqual([
      "eu-west-1 credentials-sidecar-x86_64",
      "eu-west-1 credentials-sidecar-arm64",
      "eu-west-1 credentials-sidecar-nodejs",
      "us-east-1 credentials-sidecar-x86_64",
      "us-east-1 credentials-sidecar-arm64",
      "us-east-1 credentials-sidecar-nodejs",
    ]);
    const [x86, arm, nodejs] = jobs;
    expect(x86).toMatchObject({
      architectures: ["x86_64"],
      description: "credentials-sidecar 1.2.3 (x86_64)",
    });
    expect(arm?.architectures).toEqual(["arm64"]);
    expect(nodejs?.architectures).toEqual(["x86_64", "arm64"]);
    expect(jobs.every((j) => j.license === "Apache-2.0" && j.upload === undefined)).toBe(true);
  });

  it("uploads through the region's bucket when one is given, under the version's folder", () => {
    const jobs = planJobs(options(["--bucket", "us-east-1=releases"]), release());
    expect(jobs.filter((j) => j.upload).map((j) => [j.region, j.upload?.bucket, j.upload?.key])).toEqual([
      ["us-east-1", "releases", "credentials-sidecar/1.2.3/credentials-sidecar-1.2.3-x86_64.zip"],
      ["us-east-1", "releases", "credentials-sidecar/1.2.3/credentials-sidecar-1.2.3-arm64.zip"],
      ["us-east-1", "releases", "credentials-sidecar/1.2.3/credentials-sidecar-1.2.3-nodejs.zip"],
    ]);
  });

  it("refuses zips over the direct-upload limit unless every region has a bucket", () => {
    const large = release(DIRECT_UPLOAD_LIMIT + 1);
    expect(() => planJobs(options(["--bucket", "eu-west-1=b"]), large)).toThrow(
      /credentials-sidecar-1.2.3-x86_64.zip, credentials-sidecar-1.2.3-arm64.zip is over 50000000 bytes.*for us-east-1$/,
    );
    const both = planJobs(options(["--bucket", "eu-west-1=a", "--bucket", "us-east-1=b"]), large);
    expect(both.every((j) => j.upload !== undefined)).toBe(true);
    // At the limit exactly, the direct upload is still allowed.
    expect(planJobs(options(), release(DIRECT_UPLOAD_LIMIT))).toHaveLength(6);
  });
});

describe("published runtimes", () => {
  it.each(Object.entries(PUBLISHED))(
    "%s: at most 15 (the API's limit), all known to the Lambda API",
    (_, p) => {
      expect(p.runtimes.length).toBeGreaterThan(0);
      expect(p.runtimes.length).toBeLessThanOrEqual(15);
      expect(new Set(p.runtimes).size).toBe(p.runtimes.length);
      const known = new Set<string>(Object.values(Runtime));
      expect(p.runtimes.filter((r) => !known.has(r))).toEqual([]);
    },
  );

  it("the nodejs zip lists Node 22 and later only (it runs on the runtime's node)", () => {
    expect(PUBLISHED.nodejs.runtimes.every((r) => /^nodejs(2[2-9]|[3-9]\d)\.x$/.test(r))).toBe(true);
  });

  it("no variant lists a deprecated runtime the SDK still knows (nodejs20.x and older, python3.9…)", () => {
    const old =
      /^(nodejs(1\d|20)\.x|python3\.[0-9]|python3\.10|java8.*|dotnet[67]|dotnetcore.*|ruby2.*|ruby3\.2|provided(\.al2)?|go1\.x)$/;
    for (const { runtimes } of Object.values(PUBLISHED))
      expect(runtimes.filter((r) => old.test(r))).toEqual([]);
  });
});

describe("redact", () => {
  it("replaces every occurrence of every secret", () => {
    expect(redact("key AKIA123 secret s3cr3t and s3cr3t again", ["AKIA123", "s3cr3t", undefined])).toBe(
      "key [redacted] secret [redacted] and [redacted] again",
    );
  });

  it("leaves the text alone when no secret is set", () => {
    expect(redact("nothing here", [undefined, ""])).toBe("nothing here");
  });
});

describe("docs/releases.md", () => {
  it("documents every option of the publish command", async () => {
    const { readFileSync } = await import("node:fs");
    const section = readFileSync(new URL("../../../docs/releases.md", import.meta.url), "utf8");
    const options = [...USAGE.matchAll(/^ {2}(--[a-z-]+)/gm)].map((m) => m[1]);
    expect(options.length).toBeGreaterThan(5);
    for (const option of options) expect(section, option).toContain(`\`${option}`);
  });
});
