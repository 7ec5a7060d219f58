import { fileURLToPath } from "node:url";
import { Duration, Stack, type StackProps } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import type { Construct } from "constructs";
import { CredentialsSidecar } from "../../../layer/cdk/credentialsSidecar.js";
import { EXECUTION_ROLE_NAME, SIDECAR_CONFIG } from "./sidecarConfig.js";

export interface OrdersFunctionStackProps extends StackProps {
  /** The credentials-sidecar layer zip. Default: the repository's dist/layer-x86_64.zip (`make layer`). */
  readonly layerZip?: string;
}

/** A Python function that acts as another account's role with no credential code. */
export class OrdersFunctionStack extends Stack {
  readonly function: lambda.Function;

  constructor(scope: Construct, id: string, props: OrdersFunctionStackProps = {}) {
    super(scope, id, props);
    const role = new iam.Role(this, "ExecutionRole", {
      roleName: EXECUTION_ROLE_NAME,
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName("service-role/AWSLambdaBasicExecutionRole"),
      ],
    });
    this.function = new lambda.Function(this, "Orders", {
      runtime: lambda.Runtime.PYTHON_3_13,
      architecture: lambda.Architecture.X86_64,
      handler: "handler.lambda_handler",
      code: lambda.Code.fromAsset(fileURLToPath(new URL("../function", import.meta.url))),
      role,
      timeout: Duration.seconds(10),
    });

    const sidecar = new CredentialsSidecar(this, "CredentialsSidecar", {
      architecture: lambda.Architecture.X86_64,
      config: SIDECAR_CONFIG,
      ...(props.layerZip === undefined ? {} : { layerZip: props.layerZip }),
    });
    sidecar.attachTo(this.function);
  }
}
