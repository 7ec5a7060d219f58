import { App } from "aws-cdk-lib";
import { OrdersFunctionStack } from "./ordersFunctionStack.js";
import { FUNCTION_ACCOUNT, REGION, TARGET_ACCOUNT } from "./sidecarConfig.js";
import { TargetRolesStack } from "./targetRolesStack.js";

/** Both stacks; deploy TargetRoles with the target account's credentials, OrdersFunction with the function's. */
export function buildApp(options: { layerZip?: string; outdir?: string } = {}) {
  const app = new App(options.outdir === undefined ? {} : { outdir: options.outdir });
  const ordersFunction = new OrdersFunctionStack(app, "OrdersFunction", {
    env: { account: FUNCTION_ACCOUNT, region: REGION },
    ...(options.layerZip === undefined ? {} : { layerZip: options.layerZip }),
  });
  const targetRoles = new TargetRolesStack(app, "TargetRoles", {
    env: { account: TARGET_ACCOUNT, region: REGION },
  });
  return { app, ordersFunction, targetRoles };
}
