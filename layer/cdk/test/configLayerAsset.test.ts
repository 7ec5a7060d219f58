/**
 * Where the config layer's folder lives: removed once CDK staged (copied) it, so a synth leaves no
 * litter (cdkPackage.test.ts checks the temp folder of a whole app); with staging off
 * (`cdk synth --no-staging`, as SAM local runs it) in the cloud assembly, where the template points.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { App, Stack } from "aws-cdk-lib";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as cxapi from "aws-cdk-lib/cx-api";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CONFIG_FILE_NAME, configFileText } from "../configDelivery.js";
import { CredentialsSidecar } from "../credentialsSidecar.js";
import { CONFIG } from "./support/synth.js";

vi.setConfig({ testTimeout: 150_000 });

let outdirs: string;
beforeAll(() => {
  outdirs = mkdtempSync(join(tmpdir(), "config-layer-asset-"));
});
afterAll(() => {
  rmSync(outdirs, { recursive: true, force: true });
});

/** The asset path of the config layer's code, as the template's metadata gives it. */
function configLayerAssetPath(context: Record<string, unknown>, outdir: string): string {
  // Asset metadata, as the cdk CLI asks for it (SAM reads it).
  const app = new App({
    outdir,
    context: { [cxapi.ASSET_RESOURCE_METADATA_ENABLED_CONTEXT]: true, ...context },
  });
  const stack = new Stack(app, "Test");
  const published = lambda.LayerVersion.fromLayerVersionArn(
    stack,
    "L",
    "arn:aws:lambda:eu-west-1:1:layer:cs:1",
  );
  const sidecar = new CredentialsSidecar(stack, "Sidecar", {
    architecture: lambda.Architecture.X86_64,
    config: CONFIG,
    layer: published,
  });
  const template = app.synth().getStackByName("Test").template as {
    Resources: Record<string, { Metadata?: Record<string, string> }>;
  };
  const id = stack.getLogicalId(sidecar.configLayer?.node.defaultChild as lambda.CfnLayerVersion);
  const path = template.Resources[id]?.Metadata?.["aws:asset:path"];
  if (path === undefined) throw new Error("the config layer has no asset path");
  return resolve(outdir, path);
}

describe("the config layer's folder", () => {
  it("is staged into the cloud assembly (asset.<hash>), which the template points at", () => {
    const outdir = join(outdirs, "staged");
    const path = configLayerAssetPath({}, outdir);
    expect(path.startsWith(join(outdir, "asset."))).toBe(true);
    expect(readFileSync(join(path, CONFIG_FILE_NAME), "utf8")).toBe(configFileText(CONFIG));
  });

  it("with staging off, is written into the cloud assembly, where the template points, and kept", () => {
    const outdir = join(outdirs, "unstaged");
    const path = configLayerAssetPath({ [cxapi.DISABLE_ASSET_STAGING_CONTEXT]: true }, outdir);
    expect(path.startsWith(join(outdir, "credentials-sidecar-config."))).toBe(true);
    expect(existsSync(path)).toBe(true);
    expect(readFileSync(join(path, CONFIG_FILE_NAME), "utf8")).toBe(configFileText(CONFIG));
  });
});
