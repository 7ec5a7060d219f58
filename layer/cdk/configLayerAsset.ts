/**
 * The config layer's code: a folder holding only the config file, written where CDK's asset staging
 * copies it from and removed once copied, so a synth leaves nothing in the temp folder. With staging
 * off (`cdk synth --no-staging`, which SAM local uses) the template points at the folder itself, so
 * it is written into the cloud assembly instead and stays.
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Stage } from "aws-cdk-lib";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as cxapi from "aws-cdk-lib/cx-api";
import type { Construct } from "constructs";
import { CONFIG_FILE_NAME, configFileText } from "./configDelivery.js";
import type { SidecarConfigObject } from "./sidecarConfigObject.js";

/**
 * Calls `use` with the config layer's code while its folder exists; CDK stages (copies) an asset
 * when the construct using it is created, so `use` must create the layer. The folder is named after
 * its content: CDK caches staged assets by source path for the whole process, so a path must never
 * stand for two contents.
 */
export function configLayerCode<T>(
  scope: Construct,
  config: SidecarConfigObject,
  use: (code: lambda.Code) => T,
): T {
  const text = configFileText(config);
  const name = `credentials-sidecar-config.${createHash("sha256").update(text).digest("hex").slice(0, 20)}`;
  const assembly = scope.node.tryGetContext(cxapi.DISABLE_ASSET_STAGING_CONTEXT)
    ? Stage.of(scope)?.assetOutdir
    : undefined;
  const parent = assembly ?? mkdtempSync(join(tmpdir(), "credentials-sidecar-config-"));
  const folder = join(parent, name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, CONFIG_FILE_NAME), text, { mode: 0o644 });
  try {
    return use(lambda.Code.fromAsset(folder));
  } finally {
    if (assembly === undefined) rmSync(parent, { recursive: true, force: true });
  }
}
