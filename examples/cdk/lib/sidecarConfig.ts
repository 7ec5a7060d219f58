import type { SidecarConfigObject } from "../../../layer/cdk/credentialsSidecar.js";

/** The function's account, and the account whose roles it acts as. */
export const FUNCTION_ACCOUNT = "111122223333";
export const TARGET_ACCOUNT = "444455556666";
export const REGION = "eu-west-1";

/**
 * Named, so the target account can trust it by ARN: a stack in another account cannot take a reference
 * to the role itself.
 */
export const EXECUTION_ROLE_NAME = "orders-function-execution";
export const EXECUTION_ROLE_ARN = `arn:aws:iam::${FUNCTION_ACCOUNT}:role/${EXECUTION_ROLE_NAME}`;

/**
 * The sidecar's config, shared by both stacks: the function's stack ships it, the target account's stack
 * derives the roles' trust policies from it. `reader` is the SDKs' default role; `auditor` is assumed
 * with reader's credentials (role chaining) and reached by URL.
 */
export const SIDECAR_CONFIG = {
  default: "reader",
  roles: {
    reader: {
      RoleArn: `arn:aws:iam::${TARGET_ACCOUNT}:role/orders-reader`,
      // The target account's trust policy requires it (confused-deputy protection).
      ExternalId: "orders-function-7f3c",
    },
    auditor: {
      RoleArn: `arn:aws:iam::${TARGET_ACCOUNT}:role/orders-auditor`,
      source: "reader",
      // STS allows a chained session one hour at most.
      DurationSeconds: 3600,
    },
  },
} as const satisfies SidecarConfigObject;
