/**
 * The examples' infrastructure and config files, checked so they cannot drift from the project:
 * CloudFormation/SAM templates pass cfn-lint, serverless.yml wires the layer and the wrapper, and every
 * sidecar config under examples/ passes the extension's own loader and validator.
 */
import { execFile, spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { formatProblems, loadConfigFile } from "../extension/src/config/loadConfig.js";

const EXAMPLES = fileURLToPath(new URL(".", import.meta.url));
const WRAPPER_PATH = "/opt/credentials-sidecar/wrapper";

const CLOUDFORMATION_TEMPLATES = ["sam/template.yaml", "serverless/target-account-role.yaml"];

function cfnLintVersion(): string | undefined {
  const probe = spawnSync("cfn-lint", ["--version"], { encoding: "utf8" });
  return probe.status === 0 ? probe.stdout.trim() : undefined;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : filesUnder(path);
    return [path];
  });
}

/** Every sidecar config the examples ship or show: examples/config/*.yaml and any credentials-sidecar.yaml. */
const SIDECAR_CONFIGS = filesUnder(EXAMPLES)
  .filter(
    (path) =>
      path.endsWith("/credentials-sidecar.yaml") ||
      (relative(EXAMPLES, path).startsWith("config/") && path.endsWith(".yaml")),
  )
  .map((path) => relative(EXAMPLES, path))
  .sort();

const cfnLint = cfnLintVersion();

describe("CloudFormation templates", () => {
  it.skipIf(cfnLint === undefined)(
    `pass cfn-lint: ${CLOUDFORMATION_TEMPLATES.join(", ")}${cfnLint === undefined ? " (SKIPPED: cfn-lint is not installed; pip install cfn-lint)" : ""}`,
    async () => {
      // One run for all templates: cfn-lint's start-up (loading its specs) is most of its time.
      const run = await new Promise<{ code: number | null; output: string }>((resolve) => {
        execFile(
          "cfn-lint",
          CLOUDFORMATION_TEMPLATES.map((template) => join(EXAMPLES, template)),
          { timeout: 60_000 },
          (error, stdout, stderr) => {
            const code = error === null ? 0 : typeof error.code === "number" ? error.code : null;
            resolve({ code, output: `${stdout}${stderr}` });
          },
        );
      });
      expect(run.output).toBe("");
      expect(run.code).toBe(0);
    },
  );
});

describe("sam/template.yaml", () => {
  // CloudFormation short-form tags (!Ref, !GetAtt, ...) are kept as plain values: only the shape matters here.
  const template = parse(readFileSync(join(EXAMPLES, "sam/template.yaml"), "utf8"), {
    customTags: [
      ...["!Ref", "!GetAtt", "!Sub"].map((tag) => ({ tag, resolve: (value: string) => value })),
      ...["!If", "!Equals"].map((tag) => ({
        tag,
        collection: "seq" as const,
        resolve: (value: unknown) => value,
      })),
    ],
  }) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };

  it("runs the demo handler through the wrapper, with the target role as the sidecar's one role", () => {
    const fn = template.Resources.DemoFunction;
    if (fn === undefined) throw new Error("no DemoFunction in the template");
    expect(fn.Type).toBe("AWS::Serverless::Function");
    const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables.AWS_LAMBDA_EXEC_WRAPPER).toBe(WRAPPER_PATH);
    expect(variables.CREDENTIALS_SIDECAR_ROLE_ARN).toBe("TargetRole.Arn");
    expect(fn.Properties.Handler).toBe("app.lambda_handler");
    expect(fn.Properties.Layers).toHaveLength(1);
  });

  it("sets a generated SourceIdentity, and allows it on both sides of the AssumeRole", () => {
    type Statement = { Action: string | string[]; Principal?: unknown; Resource?: unknown };
    const statements = (resource: string, at: (properties: Record<string, unknown>) => unknown) =>
      (at(template.Resources[resource]?.Properties ?? {}) as { Statement: Statement[] }).Statement;
    const fn = template.Resources.DemoFunction?.Properties ?? {};
    const variables = (fn.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables.CREDENTIALS_SIDECAR_GENERATE_SOURCE_IDENTITY).toBe("true");

    const trust = statements("TargetRole", (p) => p.AssumeRolePolicyDocument);
    const grant = statements("ExecutionRoleAssumeTarget", (p) => p.PolicyDocument);

    expect(trust.map((s) => s.Action)).toEqual([["sts:AssumeRole", "sts:SetSourceIdentity"]]);
    expect(grant.map((s) => [s.Action, s.Resource])).toEqual([
      [["sts:AssumeRole", "sts:SetSourceIdentity"], "TargetRole.Arn"],
    ]);
  });
});

describe("serverless/serverless.yml", () => {
  const service = parse(readFileSync(join(EXAMPLES, "serverless/serverless.yml"), "utf8")) as {
    layers: Record<string, { package?: { artifact?: string } }>;
    functions: Record<
      string,
      { handler: string; layers?: unknown[]; environment?: Record<string, string | undefined> }
    >;
    provider: { iam: { role: { statements: { Action: string; Resource: string }[] } } };
    package: { patterns: string[] };
  };

  it("packages the handler and the sidecar config only, not the target account's template", () => {
    expect(service.package.patterns[0]).toBe("!**");
    const included = service.package.patterns.slice(1);
    expect(included.sort()).toEqual(["handler.py", "sidecar/credentials-sidecar.yaml"]);
    for (const path of included)
      expect(readFileSync(join(EXAMPLES, "serverless", path), "utf8")).not.toBe("");
  });

  it("attaches the layer it publishes to the function and sets the exec wrapper", () => {
    const layerNames = Object.keys(service.layers);
    expect(layerNames).toEqual(["credentialsSidecar"]);
    expect(service.layers.credentialsSidecar?.package?.artifact).toBe("../../dist/layer-x86_64.zip");
    const fn = service.functions.listBuckets;
    // Serverless names a layer's CloudFormation resource <Name with a capital>LambdaLayer.
    expect(fn?.layers).toEqual([{ Ref: "CredentialsSidecarLambdaLayer" }]);
    expect(fn?.environment?.AWS_LAMBDA_EXEC_WRAPPER).toBe(WRAPPER_PATH);
  });

  it("lets the execution role assume exactly the role the sidecar is given", () => {
    const roleArn = service.functions.listBuckets?.environment?.CREDENTIALS_SIDECAR_ROLE_ARN;
    expect(roleArn).toMatch(/^arn:aws:iam::\$\{param:targetAccount\}:role\//);
    const assume = service.provider.iam.role.statements.find((s) => s.Action === "sts:AssumeRole");
    expect(assume?.Resource).toBe(roleArn);
    expect(service.functions.listBuckets?.environment?.CREDENTIALS_SIDECAR_EXTERNAL_ID).toBeTruthy();
  });
});

describe("sidecar configs under examples/", () => {
  it("finds the configs (so the checks below cannot pass by finding none)", () => {
    expect(SIDECAR_CONFIGS).toEqual([
      "config/chained.yaml",
      "config/cross-account.yaml",
      "config/minimal.yaml",
      "config/multi-role.yaml",
      "config/tenant-isolation.yaml",
      "container/credentials-sidecar.yaml",
      "serverless/sidecar/credentials-sidecar.yaml",
    ]);
  });

  it.each(SIDECAR_CONFIGS)("%s passes the extension's config validator", async (path) => {
    const result = await loadConfigFile(join(EXAMPLES, path));
    expect(result.ok ? "" : formatProblems(path, result.problems)).toBe("");
  });

  it.each(SIDECAR_CONFIGS)("%s points editors at the schema", (path) => {
    const depth = path.split("/").length - 1;
    const first = readFileSync(join(EXAMPLES, path), "utf8").split("\n")[0];
    expect(first).toBe(`# yaml-language-server: $schema=${"../".repeat(depth + 1)}config.schema.json`);
  });
});
