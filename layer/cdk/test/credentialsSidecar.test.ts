/**
 * The construct synthesised in memory (no AWS account): what a function gets, and the config file the
 * layer ships (read back with the extension's own loader). What it refuses at synth:
 * credentialsSidecarRefusals.test.ts; trust policies: credentialsSidecarTrust.test.ts.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { Annotations, Match, Template } from "aws-cdk-lib/assertions";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { describe, expect, it, vi } from "vitest";
import { loadConfigFile } from "../../../extension/src/config/loadConfig.js";
import { CONFIG_FILE_NAME } from "../configDelivery.js";
import { CredentialsSidecar, WRAPPER_PATH } from "../credentialsSidecar.js";
import { CONFIG, onlyResource, READER, useSynthFixture } from "./support/synth.js";

// The first synth loads much of aws-cdk-lib, which it requires lazily: seconds on a loaded machine.
vi.setConfig({ testTimeout: 150_000 });

const synth = useSynthFixture();

describe("CredentialsSidecar.attachTo", () => {
  it("adds the extension and config layers, the wrapper and the config path", () => {
    const { stack, fn } = synth.stackWithFunction();
    synth.sidecar(stack).attachTo(fn);
    const template = Template.fromStack(stack);
    template.resourceCountIs("AWS::Lambda::LayerVersion", 2);
    const layerIds = Object.keys(template.findResources("AWS::Lambda::LayerVersion"));
    template.hasResourceProperties("AWS::Lambda::Function", {
      Layers: Match.arrayEquals(layerIds.map((id) => ({ Ref: id }))),
      Environment: {
        Variables: {
          AWS_LAMBDA_EXEC_WRAPPER: WRAPPER_PATH,
          CREDENTIALS_SIDECAR_CONFIG: "/opt/credentials-sidecar.yaml",
        },
      },
    });
    onlyResource(template, "AWS::Lambda::LayerVersion", { CompatibleArchitectures: ["x86_64"] });
  });

  it("ships a config file that the extension's own loader reads back as the config", async () => {
    const { app, stack, fn } = synth.stackWithFunction();
    synth.sidecar(stack).attachTo(fn);
    Template.fromStack(stack);
    const outdir = app.outdir;
    const files = readdirSync(outdir)
      .filter((entry) => entry.startsWith("asset."))
      .flatMap((entry) => {
        try {
          return readdirSync(join(outdir, entry)).includes(CONFIG_FILE_NAME)
            ? [join(outdir, entry, CONFIG_FILE_NAME)]
            : [];
        } catch {
          return []; // a file asset (the layer zip), not a folder
        }
      });
    expect(files).toHaveLength(1);
    const loaded = await loadConfigFile(files[0] as string);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    expect(loaded.config.defaultRole).toBe("reader");
    expect([...loaded.config.roles.keys()]).toEqual(["reader", "auditor"]);
    expect(loaded.config.roles.get("reader")?.parameters).toMatchObject({
      RoleArn: READER,
      ExternalId: "orders-1",
      Tags: [{ Key: "team", Value: "orders" }],
    });
    expect(loaded.config.roles.get("auditor")?.source).toBe("reader");
  });

  it("lets the execution role assume the roles it assumes directly, with the actions their sessions need", () => {
    const { stack, fn } = synth.stackWithFunction();
    synth.sidecar(stack).attachTo(fn);
    const policy = onlyResource(Template.fromStack(stack), "AWS::IAM::Policy", {});
    // The chained auditor is assumed with the reader's credentials, not the execution role's.
    expect((policy.Properties.PolicyDocument as { Statement: unknown[] }).Statement).toEqual([
      { Effect: "Allow", Action: ["sts:AssumeRole", "sts:TagSession"], Resource: READER },
    ]);
  });

  it("sets the one role's variables instead of a config layer with configDelivery environment", () => {
    const { stack, fn } = synth.stackWithFunction();
    const config = { roles: { reader: { RoleArn: READER, ExternalId: "orders-1", DurationSeconds: 900 } } };
    synth.sidecar(stack, { config, configDelivery: "environment", keepExecutionRole: true }).attachTo(fn);
    const template = Template.fromStack(stack);
    template.resourceCountIs("AWS::Lambda::LayerVersion", 1);
    const variables = (
      onlyResource(template, "AWS::Lambda::Function", {}).Properties.Environment as {
        Variables: Record<string, string>;
      }
    ).Variables;
    expect(variables).toEqual({
      AWS_LAMBDA_EXEC_WRAPPER: WRAPPER_PATH,
      CREDENTIALS_SIDECAR_KEEP_EXECUTION_ROLE: "true",
      CREDENTIALS_SIDECAR_ROLE_ARN: READER,
      CREDENTIALS_SIDECAR_EXTERNAL_ID: "orders-1",
      CREDENTIALS_SIDECAR_DURATION_SECONDS: "900",
    });
  });

  it("uses a given layer instead of building one, without looking for a zip", () => {
    const { stack, fn } = synth.stackWithFunction();
    const layer = lambda.LayerVersion.fromLayerVersionArn(
      stack,
      "Published",
      "arn:aws:lambda:eu-west-1:111122223333:layer:credentials-sidecar-x86_64:3",
    );
    new CredentialsSidecar(stack, "Sidecar", {
      architecture: lambda.Architecture.X86_64,
      config: CONFIG,
      layer,
    }).attachTo(fn);
    const template = Template.fromStack(stack);
    template.resourceCountIs("AWS::Lambda::LayerVersion", 1);
    const layers = onlyResource(template, "AWS::Lambda::Function", {}).Properties.Layers as unknown[];
    expect(layers).toContain("arn:aws:lambda:eu-west-1:111122223333:layer:credentials-sidecar-x86_64:3");
  });

  it("leaves AWS_LAMBDA_EXEC_WRAPPER alone with execWrapper false", () => {
    const { stack, fn } = synth.stackWithFunction();
    fn.addEnvironment("AWS_LAMBDA_EXEC_WRAPPER", "/opt/otel-instrument");
    synth.sidecar(stack, { execWrapper: false }).attachTo(fn);
    Template.fromStack(stack).hasResourceProperties("AWS::Lambda::Function", {
      Environment: { Variables: { AWS_LAMBDA_EXEC_WRAPPER: "/opt/otel-instrument" } },
    });
  });

  it("warns that provided.al2023 ignores the wrapper", () => {
    const { stack, fn } = synth.stackWithFunction(lambda.Runtime.PROVIDED_AL2023);
    synth.sidecar(stack).attachTo(fn);
    Annotations.fromStack(stack).hasWarning("/Test/Fn", Match.stringLikeRegexp("bootstrap must exec"));
  });
});
