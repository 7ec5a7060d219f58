import { Stack, type StackProps } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type { Construct } from "constructs";
import { CredentialsSidecar } from "../../../layer/cdk/credentialsSidecar.js";
import { EXECUTION_ROLE_ARN, REGION, SIDECAR_CONFIG, TARGET_ACCOUNT } from "./sidecarConfig.js";

/** The target account's side: the roles the function acts as, trusting exactly what the config needs. */
export class TargetRolesStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    // Trusts the function's execution role, with the config's ExternalId as a condition.
    const reader = new iam.Role(this, "OrdersReader", {
      roleName: "orders-reader",
      assumedBy: CredentialsSidecar.principalFor(SIDECAR_CONFIG, "reader", EXECUTION_ROLE_ARN),
    });
    reader.addToPolicy(
      new iam.PolicyStatement({
        actions: ["dynamodb:GetItem", "dynamodb:Query"],
        resources: [`arn:aws:dynamodb:${REGION}:${TARGET_ACCOUNT}:table/orders`],
      }),
    );
    // reader's credentials assume auditor: reader needs the permission, auditor trusts reader.
    for (const statement of CredentialsSidecar.assumeRoleStatements(SIDECAR_CONFIG, "reader")) {
      reader.addToPolicy(statement);
    }
    const auditor = new iam.Role(this, "OrdersAuditor", {
      roleName: "orders-auditor",
      assumedBy: CredentialsSidecar.principalFor(SIDECAR_CONFIG, "auditor"),
    });
    auditor.addToPolicy(new iam.PolicyStatement({ actions: ["cloudtrail:LookupEvents"], resources: ["*"] }));
  }
}
