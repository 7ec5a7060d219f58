/**
 * examples/cdk synthesised in the test run (no AWS account): the function's stack gets the layers,
 * the wrapper and the one grant it needs; the target account's roles trust exactly what the config
 * needs; and both templates pass cfn-lint.
 */
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Match, Template } from "aws-cdk-lib/assertions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeLayerZip } from "../../layer/cdk/test/support/fakeLayerZip.js";
import { buildApp } from "./lib/app.js";
import { EXECUTION_ROLE_ARN, SIDECAR_CONFIG } from "./lib/sidecarConfig.js";

const READER_ARN = SIDECAR_CONFIG.roles.reader.RoleArn;
const AUDITOR_ARN = SIDECAR_CONFIG.roles.auditor.RoleArn;

function cfnLintVersion(): string | undefined {
  const probe = spawnSync("cfn-lint", ["--version"], { encoding: "utf8" });
  return probe.status === 0 ? probe.stdout.trim() : undefined;
}
const cfnLint = cfnLintVersion();

// Loading aws-cdk-lib for the first synth, and cfn-lint's start-up, take far longer on a loaded machine.
const SLOW_MS = 150_000;

let outdir: string;
let functionTemplate: Template;
let targetTemplate: Template;
beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), "cdk-example-"));
  // A small stand-in zip: synth must not need `make layer`.
  const { ordersFunction, targetRoles } = buildApp({ layerZip: await fakeLayerZip(), outdir });
  functionTemplate = Template.fromStack(ordersFunction);
  targetTemplate = Template.fromStack(targetRoles);
}, SLOW_MS);

afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
});

/** The one statement of the one policy attached to a role whose logical id starts with `prefix`. */
function policyStatementsOf(template: Template, prefix: string): unknown[] {
  const policies = Object.values(
    template.findResources("AWS::IAM::Policy", {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp(`^${prefix}`) }] },
    }),
  ) as { Properties: { PolicyDocument: { Statement: unknown[] } } }[];
  expect(policies).toHaveLength(1);
  return policies[0]?.Properties.PolicyDocument.Statement ?? [];
}

describe("examples/cdk: the function's stack", () => {
  it("runs a Python function through the wrapper with the extension and config layers", () => {
    const layers = Object.keys(functionTemplate.findResources("AWS::Lambda::LayerVersion"));
    expect(layers).toHaveLength(2);
    functionTemplate.hasResourceProperties("AWS::Lambda::Function", {
      Runtime: "python3.13",
      Architectures: ["x86_64"],
      Layers: Match.arrayEquals(layers.map((id) => ({ Ref: id }))),
      Environment: {
        Variables: {
          AWS_LAMBDA_EXEC_WRAPPER: "/opt/credentials-sidecar/wrapper",
          CREDENTIALS_SIDECAR_CONFIG: "/opt/credentials-sidecar.yaml",
        },
      },
    });
  });

  it("lets the execution role assume the cross-account role, and not the chained one", () => {
    functionTemplate.hasResourceProperties("AWS::IAM::Role", { RoleName: "orders-function-execution" });
    expect(policyStatementsOf(functionTemplate, "ExecutionRole")).toEqual([
      { Effect: "Allow", Action: "sts:AssumeRole", Resource: READER_ARN },
    ]);
  });
});

describe("examples/cdk: the target account's roles", () => {
  it("has the reader trust the execution role with the ExternalId", () => {
    targetTemplate.hasResourceProperties("AWS::IAM::Role", {
      RoleName: "orders-reader",
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: EXECUTION_ROLE_ARN },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "sts:ExternalId": SIDECAR_CONFIG.roles.reader.ExternalId } },
          },
        ],
      },
    });
  });

  it("has the auditor trust the reader, and the reader allowed to assume it", () => {
    targetTemplate.hasResourceProperties("AWS::IAM::Role", {
      RoleName: "orders-auditor",
      AssumeRolePolicyDocument: {
        Statement: [{ Effect: "Allow", Principal: { AWS: READER_ARN }, Action: "sts:AssumeRole" }],
      },
    });
    expect(policyStatementsOf(targetTemplate, "OrdersReader")).toContainEqual({
      Effect: "Allow",
      Action: "sts:AssumeRole",
      Resource: AUDITOR_ARN,
    });
  });
});

describe("examples/cdk: the synthesised templates", () => {
  it.skipIf(cfnLint === undefined)(
    `pass cfn-lint${cfnLint === undefined ? " (SKIPPED: cfn-lint is not installed; pip install cfn-lint)" : ""}`,
    async () => {
      const templates = ["OrdersFunction", "TargetRoles"].map((stack) =>
        join(outdir, `${stack}.template.json`),
      );
      const run = await new Promise<{ code: number | null; output: string }>((resolve) => {
        // W3005 (a DependsOn that a GetAtt already implies) is CDK's own output for every
        // lambda.Function: it lists the role in DependsOn beside the Role GetAtt. Everything else counts.
        execFile(
          "cfn-lint",
          ["--ignore-checks", "W3005", "--", ...templates],
          { timeout: SLOW_MS - 10_000 },
          (error, stdout, stderr) => {
            const code = error === null ? 0 : typeof error.code === "number" ? error.code : null;
            resolve({ code, output: `${stdout}${stderr}` });
          },
        );
      });
      expect(run.output).toBe("");
      expect(run.code).toBe(0);
    },
    SLOW_MS,
  );
});
