/**
 * The construct synthesised in memory (no AWS account): what a function gets, the config file the
 * layer ships (read back with the extension's own loader), and the mistakes it refuses at synth.
 */
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Stack } from "aws-cdk-lib";
import { Annotations, Match, Template } from "aws-cdk-lib/assertions";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { loadConfigFile } from "../../../extension/src/config/loadConfig.js";
import { CONFIG_FILE_NAME } from "../configDelivery.js";
import { CredentialsSidecar, type CredentialsSidecarProps, WRAPPER_PATH } from "../credentialsSidecar.js";
import type { SidecarConfigObject } from "../sidecarConfigObject.js";
import { fakeLayerZip } from "./fakeLayerZip.js";

const READER = "arn:aws:iam::222233334444:role/reader";
const AUDITOR = "arn:aws:iam::222233334444:role/auditor";
const CONFIG: SidecarConfigObject = {
  default: "reader",
  roles: {
    reader: { RoleArn: READER, ExternalId: "orders-1", Tags: { team: "orders" } },
    auditor: { RoleArn: AUDITOR, source: "reader", SourceIdentity: "orders-fn" },
  },
};

// The first synth loads much of aws-cdk-lib, which it requires lazily: seconds on a loaded machine.
vi.setConfig({ testTimeout: 150_000 });

let layerZip: string;
let functionCode: string;
beforeAll(async () => {
  layerZip = await fakeLayerZip();
  // A folder asset: inline code is refused for some runtimes (Java, provided.*).
  functionCode = mkdtempSync(join(tmpdir(), "function-code-"));
  writeFileSync(join(functionCode, "index.py"), "def handler(event, context):\n    return None\n");
});

function stackWithFunction(runtime = lambda.Runtime.PYTHON_3_13, architecture = lambda.Architecture.X86_64) {
  const app = new App();
  const stack = new Stack(app, "Test", { env: { account: "111122223333", region: "eu-west-1" } });
  const fn = new lambda.Function(stack, "Fn", {
    runtime,
    architecture,
    handler: "index.handler",
    code: lambda.Code.fromAsset(functionCode),
  });
  return { app, stack, fn };
}

function sidecar(stack: Stack, props: Partial<CredentialsSidecarProps> = {}) {
  return new CredentialsSidecar(stack, "Sidecar", {
    architecture: lambda.Architecture.X86_64,
    config: CONFIG,
    layerZip,
    ...props,
  });
}

function onlyResource(template: Template, type: string, props: object) {
  const found = Object.values(template.findResources(type, { Properties: props }));
  expect(found).toHaveLength(1);
  return found[0] as { Properties: Record<string, unknown> };
}

describe("CredentialsSidecar.attachTo", () => {
  it("adds the extension and config layers, the wrapper and the config path", () => {
    const { stack, fn } = stackWithFunction();
    sidecar(stack).attachTo(fn);
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
    const { app, stack, fn } = stackWithFunction();
    sidecar(stack).attachTo(fn);
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
    const { stack, fn } = stackWithFunction();
    sidecar(stack).attachTo(fn);
    const policy = onlyResource(Template.fromStack(stack), "AWS::IAM::Policy", {});
    // The chained auditor is assumed with the reader's credentials, not the execution role's.
    expect((policy.Properties.PolicyDocument as { Statement: unknown[] }).Statement).toEqual([
      { Effect: "Allow", Action: ["sts:AssumeRole", "sts:TagSession"], Resource: READER },
    ]);
  });

  it("sets the one role's variables instead of a config layer with configDelivery environment", () => {
    const { stack, fn } = stackWithFunction();
    const config = { roles: { reader: { RoleArn: READER, ExternalId: "orders-1", DurationSeconds: 900 } } };
    sidecar(stack, { config, configDelivery: "environment", keepExecutionRole: true }).attachTo(fn);
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
    const { stack, fn } = stackWithFunction();
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
    const { stack, fn } = stackWithFunction();
    fn.addEnvironment("AWS_LAMBDA_EXEC_WRAPPER", "/opt/otel-instrument");
    sidecar(stack, { execWrapper: false }).attachTo(fn);
    Template.fromStack(stack).hasResourceProperties("AWS::Lambda::Function", {
      Environment: { Variables: { AWS_LAMBDA_EXEC_WRAPPER: "/opt/otel-instrument" } },
    });
  });

  it("warns that provided.al2023 ignores the wrapper", () => {
    const { stack, fn } = stackWithFunction(lambda.Runtime.PROVIDED_AL2023);
    sidecar(stack).attachTo(fn);
    Annotations.fromStack(stack).hasWarning("/Test/Fn", Match.stringLikeRegexp("bootstrap must exec"));
  });
});

describe("CredentialsSidecar refuses at synth", () => {
  it("an invalid config, with the extension's messages and where they are", () => {
    const { stack } = stackWithFunction();
    const config = { roles: { reader: { RoleArn: "arn:aws:iam::1:user/x", DurationSeconds: 60 } } };
    expect(() => sidecar(stack, { config })).toThrow(
      [
        "Invalid config (CredentialsSidecar Test/Sidecar), 2 problems:",
        '  roles.reader.RoleArn: must be an IAM role ARN such as arn:aws:iam::123456789012:role/name (got "arn:aws:iam::1:user/x")',
        "  roles.reader.DurationSeconds: must be at least 900 (got 60)",
      ].join("\n"),
    );
  });

  it("a missing layer zip, saying how to build it", () => {
    const { stack } = stackWithFunction();
    expect(() => sidecar(stack, { layerZip: "/nonexistent/layer-x86_64.zip" })).toThrow(/make layer/);
  });

  it("a function of the other architecture", () => {
    const { stack, fn } = stackWithFunction(lambda.Runtime.PYTHON_3_13, lambda.Architecture.ARM_64);
    expect(() => sidecar(stack).attachTo(fn)).toThrow(
      /the function is arm64 but the sidecar's layer is x86_64/,
    );
  });

  it.each([lambda.Runtime.PYTHON_3_11, lambda.Runtime.JAVA_17, lambda.Runtime.NODEJS_18_X])(
    "an Amazon Linux 2 runtime: %s",
    (runtime) => {
      const { stack, fn } = stackWithFunction(runtime);
      expect(() => sidecar(stack).attachTo(fn)).toThrow(/glibc 2.28/);
    },
  );

  it("a sixth layer, naming the config layer and the way around it", () => {
    const { stack, fn } = stackWithFunction();
    for (let i = 1; i <= 4; i++) {
      fn.addLayers(
        lambda.LayerVersion.fromLayerVersionArn(stack, `L${i}`, `arn:aws:lambda:eu-west-1:1:layer:l${i}:1`),
      );
    }
    expect(() => sidecar(stack).attachTo(fn)).toThrow(
      /Lambda allows 5 layers and the sidecar needs 2 \(the extension and its config; configDelivery "environment" needs only one\)/,
    );
  });

  it("a wrapper already set, which it would silently replace (ADOT, Datadog...)", () => {
    const { stack, fn } = stackWithFunction();
    fn.addEnvironment("AWS_LAMBDA_EXEC_WRAPPER", "/opt/otel-instrument");
    expect(() => sidecar(stack).attachTo(fn)).toThrow(
      /AWS_LAMBDA_EXEC_WRAPPER is "\/opt\/otel-instrument", not \/opt\/credentials-sidecar\/wrapper; .*execWrapper: false/,
    );
  });

  it("a second sidecar on one function, whose config would replace the first's", () => {
    const { stack, fn } = stackWithFunction();
    sidecar(stack).attachTo(fn);
    const other = new CredentialsSidecar(stack, "Other", {
      architecture: lambda.Architecture.X86_64,
      config: CONFIG,
      layerZip,
    });
    expect(() => other.attachTo(fn)).toThrow(
      /already has CredentialsSidecar Test\/Sidecar; a function takes one/,
    );
    expect(() => sidecar(new Stack(new App(), "Again")).attachTo(fn)).toThrow(/already has/);
  });

  it("a wrapper replaced after attachTo (a function has one)", () => {
    const { stack, fn } = stackWithFunction();
    sidecar(stack).attachTo(fn);
    fn.addEnvironment("AWS_LAMBDA_EXEC_WRAPPER", "/opt/otel-instrument");
    expect(() => Template.fromStack(stack)).toThrow(/AWS_LAMBDA_EXEC_WRAPPER is "\/opt\/otel-instrument"/);
  });
});

describe("CredentialsSidecar.trustPolicyFor and principalFor", () => {
  const EXECUTION_ROLE = "arn:aws:iam::111122223333:role/orders-fn";

  it("trusts the execution role for a direct role, with the ExternalId and tags the config uses", () => {
    const statement = CredentialsSidecar.trustPolicyFor(CONFIG, "reader", EXECUTION_ROLE);
    expect(new Stack().resolve(statement.toStatementJson())).toEqual({
      Effect: "Allow",
      Principal: { AWS: EXECUTION_ROLE },
      Action: ["sts:AssumeRole", "sts:TagSession"],
      Condition: { StringEquals: { "sts:ExternalId": "orders-1" } },
    });
  });

  it("trusts the source role for a chained role, and needs no execution role for it", () => {
    const statement = CredentialsSidecar.trustPolicyFor(CONFIG, "auditor");
    expect(new Stack().resolve(statement.toStatementJson())).toEqual({
      Effect: "Allow",
      Principal: { AWS: READER },
      Action: ["sts:AssumeRole", "sts:SetSourceIdentity"],
    });
  });

  it("gives the source role of a chain the statement to assume the next role", () => {
    const [statement, ...more] = CredentialsSidecar.assumeRoleStatements(CONFIG, "reader");
    expect(more).toEqual([]);
    expect(new Stack().resolve(statement?.toStatementJson())).toEqual({
      Effect: "Allow",
      Action: ["sts:AssumeRole", "sts:SetSourceIdentity"],
      Resource: AUDITOR,
    });
  });

  it("makes a role's whole trust policy from principalFor", () => {
    const stack = new Stack();
    new iam.Role(stack, "Reader", {
      assumedBy: CredentialsSidecar.principalFor(CONFIG, "reader", EXECUTION_ROLE),
    });
    Template.fromStack(stack).hasResourceProperties("AWS::IAM::Role", {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: EXECUTION_ROLE },
            Action: ["sts:AssumeRole", "sts:TagSession"],
            Condition: { StringEquals: { "sts:ExternalId": "orders-1" } },
          },
        ],
      },
    });
  });

  it("names the roles there are when asked for one that is not", () => {
    expect(() => CredentialsSidecar.trustPolicyFor(CONFIG, "writer", EXECUTION_ROLE)).toThrow(
      "no role writer in the config (have: reader, auditor)",
    );
    expect(() => CredentialsSidecar.trustPolicyFor(CONFIG, "reader")).toThrow(/pass the execution role/);
  });
});
