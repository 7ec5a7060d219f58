/** The mistakes the construct refuses at synth, each with a message that says what to do. */
import { App, Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { describe, expect, it, vi } from "vitest";
import { CredentialsSidecar } from "../credentialsSidecar.js";
import { CONFIG, useSynthFixture } from "./support/synth.js";

// The first synth loads much of aws-cdk-lib, which it requires lazily: seconds on a loaded machine.
vi.setConfig({ testTimeout: 150_000 });

const synth = useSynthFixture();

describe("CredentialsSidecar refuses at synth", () => {
  it("an invalid config, with the extension's messages and where they are", () => {
    const { stack } = synth.stackWithFunction();
    const config = { roles: { reader: { RoleArn: "arn:aws:iam::1:user/x", DurationSeconds: 60 } } };
    expect(() => synth.sidecar(stack, { config })).toThrow(
      [
        "Invalid config (CredentialsSidecar Test/Sidecar), 2 problems:",
        '  roles.reader.RoleArn: must be an IAM role ARN such as arn:aws:iam::123456789012:role/name (got "arn:aws:iam::1:user/x")',
        "  roles.reader.DurationSeconds: must be at least 900 (got 60)",
      ].join("\n"),
    );
  });

  it("a missing layer zip, saying how to build it", () => {
    const { stack } = synth.stackWithFunction();
    expect(() => synth.sidecar(stack, { layerZip: "/nonexistent/layer-x86_64.zip" })).toThrow(/make layer/);
  });

  it("a function of the other architecture", () => {
    const { stack, fn } = synth.stackWithFunction(lambda.Runtime.PYTHON_3_13, lambda.Architecture.ARM_64);
    expect(() => synth.sidecar(stack).attachTo(fn)).toThrow(
      /the function is arm64 but the sidecar's layer is x86_64/,
    );
  });

  it.each([lambda.Runtime.PYTHON_3_11, lambda.Runtime.JAVA_17, lambda.Runtime.NODEJS_18_X])(
    "an Amazon Linux 2 runtime: %s",
    (runtime) => {
      const { stack, fn } = synth.stackWithFunction(runtime);
      expect(() => synth.sidecar(stack).attachTo(fn)).toThrow(/glibc 2.28/);
    },
  );

  it("a sixth layer, naming the config layer and the way around it", () => {
    const { stack, fn } = synth.stackWithFunction();
    for (let i = 1; i <= 4; i++) {
      fn.addLayers(
        lambda.LayerVersion.fromLayerVersionArn(stack, `L${i}`, `arn:aws:lambda:eu-west-1:1:layer:l${i}:1`),
      );
    }
    expect(() => synth.sidecar(stack).attachTo(fn)).toThrow(
      /Lambda allows 5 layers and the sidecar needs 2 \(the extension and its config; configDelivery "environment" needs only one\)/,
    );
  });

  it("a wrapper already set, which it would silently replace (ADOT, Datadog...)", () => {
    const { stack, fn } = synth.stackWithFunction();
    fn.addEnvironment("AWS_LAMBDA_EXEC_WRAPPER", "/opt/otel-instrument");
    expect(() => synth.sidecar(stack).attachTo(fn)).toThrow(
      /AWS_LAMBDA_EXEC_WRAPPER is "\/opt\/otel-instrument", not \/opt\/credentials-sidecar\/wrapper; .*execWrapper: false/,
    );
  });

  it("a second sidecar on one function, whose config would replace the first's", () => {
    const { stack, fn } = synth.stackWithFunction();
    synth.sidecar(stack).attachTo(fn);
    const other = new CredentialsSidecar(stack, "Other", {
      architecture: lambda.Architecture.X86_64,
      config: CONFIG,
      layerZip: synth.layerZip,
    });
    expect(() => other.attachTo(fn)).toThrow(
      /already has CredentialsSidecar Test\/Sidecar; a function takes one/,
    );
    expect(() => synth.sidecar(new Stack(new App(), "Again")).attachTo(fn)).toThrow(/already has/);
  });

  it("a wrapper replaced after attachTo (a function has one)", () => {
    const { stack, fn } = synth.stackWithFunction();
    synth.sidecar(stack).attachTo(fn);
    fn.addEnvironment("AWS_LAMBDA_EXEC_WRAPPER", "/opt/otel-instrument");
    expect(() => Template.fromStack(stack)).toThrow(/AWS_LAMBDA_EXEC_WRAPPER is "\/opt\/otel-instrument"/);
  });
});
