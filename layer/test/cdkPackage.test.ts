/**
 * The CDK construct as users get it: the built `credentials-sidecar/cdk` entry (dist/cdk/, `make cdk`)
 * imported by package name from a separate Node process, with its types declared beside it.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CONSUMER = fileURLToPath(new URL("./support/cdkConsumer.mjs", import.meta.url));
const READER = "arn:aws:iam::444455556666:role/reader";

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "cdk-package-"));
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

let runs = 0;
function synth(config: unknown, layer: "published" | "default") {
  const outdir = join(scratch, `run-${++runs}`);
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [CONSUMER, JSON.stringify(config), layer, outdir],
      { cwd: ROOT, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : null;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

type Template = { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
const resourcesOf = (template: Template, type: string) =>
  Object.values(template.Resources).filter((resource) => resource.Type === type);

describe("credentials-sidecar/cdk (the built entry)", () => {
  it("is built with its type declarations", () => {
    const missing = "missing: run `make cdk`";
    expect(existsSync(`${ROOT}dist/cdk/credentialsSidecar.mjs`), missing).toBe(true);
    expect(existsSync(`${ROOT}dist/cdk/types/layer/cdk/credentialsSidecar.d.ts`), missing).toBe(true);
  });

  it("synthesises a function with the layers, the wrapper and the grant", async () => {
    const run = await synth(
      { roles: { reader: { RoleArn: READER, SourceIdentity: "orders" } } },
      "published",
    );
    expect(run.stderr).toBe("");
    const template = JSON.parse(run.stdout) as Template;
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

  it("fails synth on a bad config with the extension's messages", async () => {
    const run = await synth({ roles: { reader: { RoleArn: READER, DurationSeconds: 60 } } }, "published");
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("roles.reader.DurationSeconds: must be at least 900");
  });

  it("looks for the layer zip in the package's dist/, as in the repository", async () => {
    const zip = `${ROOT}dist/layer-x86_64.zip`;
    const run = await synth({ roles: { reader: { RoleArn: READER } } }, "default");
    if (existsSync(zip)) {
      expect(run.stderr).toBe("");
      expect(resourcesOf(JSON.parse(run.stdout) as Template, "AWS::Lambda::LayerVersion")).toHaveLength(2);
    } else {
      expect(run.stderr).toContain(`no layer zip at ${zip}`);
    }
  });
});
