/**
 * The CDK construct as users get it: the built `credentials-sidecar/cdk` entry (dist/cdk/, `make cdk`)
 * imported by package name from a separate Node process, with its types declared beside it.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CONSUMER = fileURLToPath(new URL("./support/cdkConsumer.mjs", import.meta.url));
const READER = "arn:aws:iam::444455556666:role/reader";
const LAYER_ZIP = `${ROOT}dist/layer-x86_64.zip`;
// Loading aws-cdk-lib in a fresh process takes seconds alone and far longer on a loaded machine.
const SYNTH_TIMEOUT_MS = 170_000;

const CASES = [
  {
    name: "Published",
    layer: "published",
    config: { roles: { reader: { RoleArn: READER, SourceIdentity: "orders" } } },
  },
  {
    name: "BadConfig",
    layer: "published",
    config: { roles: { reader: { RoleArn: READER, DurationSeconds: 60 } } },
  },
  { name: "DefaultZip", layer: "default", config: { roles: { reader: { RoleArn: READER } } } },
];

type Template = { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
type Result = { template?: Template; error?: string };
type Results = Record<string, Result> & { tmpdir?: string };
const resourcesOf = (template: Template | undefined, type: string) =>
  Object.values(template?.Resources ?? {}).filter((resource) => resource.Type === type);

let scratch: string;
let results: Results = {};
/** The app's TMPDIR: empty before, and the construct must leave it so (issue 20 §5). */
let appTmp: string;
beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), "cdk-package-"));
  appTmp = join(scratch, "tmp");
  mkdirSync(appTmp);
  if (!existsSync(`${ROOT}dist/cdk/credentialsSidecar.mjs`)) return; // the first test says so
  const run = await new Promise<{ stdout: string; stderr: string; error: Error | null }>((resolve) => {
    execFile(
      process.execPath,
      [CONSUMER, JSON.stringify(CASES), join(scratch, "out")],
      {
        cwd: ROOT,
        env: { ...process.env, TMPDIR: appTmp },
        timeout: SYNTH_TIMEOUT_MS,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => resolve({ stdout, stderr, error }),
    );
  });
  if (run.error !== null) throw new Error(`the consumer app failed: ${run.error.message}\n${run.stderr}`);
  results = JSON.parse(run.stdout) as Results;
}, SYNTH_TIMEOUT_MS + 10_000);

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe("credentials-sidecar/cdk (the built entry)", () => {
  it("is built with its type declarations", () => {
    const missing = "missing: run `make cdk`";
    expect(existsSync(`${ROOT}dist/cdk/credentialsSidecar.mjs`), missing).toBe(true);
    expect(existsSync(`${ROOT}dist/cdk/types/layer/cdk/credentialsSidecar.d.ts`), missing).toBe(true);
  });

  it("synthesises a function with the layers, the wrapper and the grant", () => {
    const { template, error } = results.Published ?? {};
    expect(error).toBeUndefined();
    const [fn] = resourcesOf(template, "AWS::Lambda::Function");
    expect(fn?.Properties.Environment).toEqual({
      Variables: {
        AWS_LAMBDA_EXEC_WRAPPER: "/opt/credentials-sidecar/wrapper",
        CREDENTIALS_SIDECAR_CONFIG: "/opt/credentials-sidecar.yaml",
      },
    });
    expect(fn?.Properties.Layers).toHaveLength(2);
    const [policy] = resourcesOf(template, "AWS::IAM::Policy");
    expect(policy?.Properties.PolicyDocument).toMatchObject({
      Statement: [{ Effect: "Allow", Action: ["sts:AssumeRole", "sts:SetSourceIdentity"], Resource: READER }],
    });
  });

  it("fails synth on a bad config with the extension's messages", () => {
    expect(results.BadConfig?.template).toBeUndefined();
    expect(results.BadConfig?.error).toContain("roles.reader.DurationSeconds: must be at least 900");
  });

  it("leaves nothing in the temp folder: the config layer's folder is gone once CDK staged it", () => {
    // The control: the app ran with this TMPDIR, and its synths wrote a config layer each.
    expect(results.tmpdir).toBe(appTmp);
    expect(resourcesOf(results.Published?.template, "AWS::Lambda::LayerVersion")).toHaveLength(1);
    expect(readdirSync(appTmp)).toEqual([]);
  });

  it("looks for the layer zip in the package's dist/, as in the repository", () => {
    const { template, error } = results.DefaultZip ?? {};
    if (existsSync(LAYER_ZIP)) {
      expect(error).toBeUndefined();
      expect(resourcesOf(template, "AWS::Lambda::LayerVersion")).toHaveLength(2);
    } else {
      expect(error).toContain("npm install @credentials-sidecar/layer-x86_64@");
    }
  });
});
