/**
 * What the construct's synth tests share: a config of a direct and a chained role, a stack with one
 * Python function, the construct on a stand-in layer zip (no `make layer` needed), and finding the
 * one resource of a kind in a template.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Stack } from "aws-cdk-lib";
import type { Template } from "aws-cdk-lib/assertions";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { beforeAll, expect } from "vitest";
import { CredentialsSidecar, type CredentialsSidecarProps } from "../../credentialsSidecar.js";
import type { SidecarConfigObject } from "../../sidecarConfigObject.js";
import { fakeLayerZip } from "./fakeLayerZip.js";

export const READER = "arn:aws:iam::222233334444:role/reader";
export const AUDITOR = "arn:aws:iam::222233334444:role/auditor";
export const CONFIG: SidecarConfigObject = {
  default: "reader",
  roles: {
    reader: { RoleArn: READER, ExternalId: "orders-1", Tags: { team: "orders" } },
    auditor: { RoleArn: AUDITOR, source: "reader", SourceIdentity: "orders-fn" },
  },
};

export function onlyResource(template: Template, type: string, props: object) {
  const found = Object.values(template.findResources(type, { Properties: props }));
  expect(found).toHaveLength(1);
  return found[0] as { Properties: Record<string, unknown> };
}

export interface SynthFixture {
  /** the stand-in layer zip, made before the file's tests */
  readonly layerZip: string;
  stackWithFunction(
    runtime?: lambda.Runtime,
    architecture?: lambda.Architecture,
  ): { app: App; stack: Stack; fn: lambda.Function };
  /** The construct for x86_64 with CONFIG and the stand-in zip, `props` on top. */
  sidecar(stack: Stack, props?: Partial<CredentialsSidecarProps>): CredentialsSidecar;
}

/** Makes the stand-in layer zip and the function's code folder once for the file (beforeAll). */
export function useSynthFixture(): SynthFixture {
  let layerZip = "";
  let functionCode = "";
  beforeAll(async () => {
    layerZip = await fakeLayerZip();
    // A folder asset: inline code is refused for some runtimes (Java, provided.*).
    functionCode = mkdtempSync(join(tmpdir(), "function-code-"));
    writeFileSync(join(functionCode, "index.py"), "def handler(event, context):\n    return None\n");
  });

  return {
    get layerZip() {
      return layerZip;
    },
    stackWithFunction(runtime = lambda.Runtime.PYTHON_3_13, architecture = lambda.Architecture.X86_64) {
      const app = new App();
      const stack = new Stack(app, "Test", { env: { account: "111122223333", region: "eu-west-1" } });
      const fn = new lambda.Function(stack, "Fn", {
        runtime,
        architecture,
        handler: "index.handler",
        code: lambda.Code.fromAsset(functionCode),
      });
      return { app, stack, fn };
    },
    sidecar(stack, props = {}) {
      return new CredentialsSidecar(stack, "Sidecar", {
        architecture: lambda.Architecture.X86_64,
        config: CONFIG,
        layerZip,
        ...props,
      });
    },
  };
}
