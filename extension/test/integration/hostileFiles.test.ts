/**
 * What the bundled extension meets where it reads files (issue 19 §5): at the log-stream report's
 * name in its runtime folder, at the config path, and at `validate`'s path, every kind of entry
 * that is not the regular file expected (a FIFO, a folder, a device, an oversized file, links). Each
 * is passed over or refused at once: the process stays responsive (an HTTP request answered
 * meanwhile, init/error reported, the CLI's exit) instead of blocking on an open or reading forever.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MockRuntimeApi, startMockRuntimeApi } from "../../devkit/mockRuntimeApi/mockRuntimeApi.js";
import { type StsStandIn, startStsStandIn } from "../../devkit/stsStandIn/stsStandIn.js";
import { MAX_CONFIG_BYTES } from "../../src/config/limits.js";
import { cliWorkDirPerFile, runCli } from "../support/cli.js";
import { type ExtensionProcess, startExtension } from "../support/extensionProcess.js";
import {
  CAN_MAKE_DEVICES,
  CONFIG_FILE_REFUSALS,
  makeSpecial,
  SPECIAL_KINDS,
  type SpecialKind,
} from "../support/specialFiles.js";

const EXTENSION = "credentials-sidecar";
const LOG_STREAM = "2026/12/07/[$LATEST]0123456789abcdef0123456789abcdef";
const KINDS = SPECIAL_KINDS.filter((kind) => kind !== "device" || CAN_MAKE_DEVICES);

let sts: StsStandIn;
const work = mkdtempSync(join(tmpdir(), "hostile-files-"));
const cliWork = cliWorkDirPerFile("hostile-files-cli-");

beforeAll(async () => {
  sts = await startStsStandIn();
});
afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  await sts?.close();
});

function configText(): string {
  return `roles:\n  reader:\n    RoleArn: arn:aws:iam::${sts.accountId}:role/reader\n`;
}

function lambdaEnv(runtime: MockRuntimeApi, config: string): Record<string, string> {
  return {
    AWS_LAMBDA_RUNTIME_API: runtime.address,
    AWS_REGION: "eu-west-1",
    AWS_ACCESS_KEY_ID: sts.base.accessKeyId,
    AWS_SECRET_ACCESS_KEY: sts.base.secretAccessKey,
    AWS_ENDPOINT_URL_STS: sts.endpoint,
    CREDENTIALS_SIDECAR_CONFIG: config,
  };
}

describe("the log-stream report's name in the runtime folder", () => {
  let runtime: MockRuntimeApi;
  let sidecar: ExtensionProcess;
  let reportPath: string;

  beforeAll(async () => {
    const config = join(work, "report-site.yaml");
    writeFileSync(config, configText());
    runtime = await startMockRuntimeApi();
    sidecar = await startExtension({ env: lambdaEnv(runtime, config) });
    await runtime.waitForIdle(EXTENSION);
    reportPath = join(sidecar.runtimeDir, "log-stream-name");
  });
  afterAll(async () => {
    sidecar?.kill();
    await runtime?.close();
  });

  // One extension meets every kind in turn: it watches until a real report comes, so each kind is
  // met by the same watch. The entry appears before the request is sent, so its inotify event is
  // read before the request's connection: a blocking open there would leave the request unanswered.
  it.each(KINDS)("%s: passed over while a request is answered", async (kind: SpecialKind) => {
    // Act
    makeSpecial(kind, reportPath, `${LOG_STREAM}\n`, 512);
    const answer = await fetch(`http://127.0.0.1:${sidecar.port}/health`, {
      signal: AbortSignal.timeout(3_000),
    });
    rmSync(reportPath, { recursive: true, force: true });
    rmSync(`${reportPath}.target`, { force: true });

    // Assess
    expect(answer.status).toBe(200);
    expect(sidecar.logs.filter((line) => line.event === "log-stream")).toEqual([]);
  });

  it("then takes the wrapper's real report (the watch went on)", async () => {
    writeFileSync(reportPath, `${LOG_STREAM}\n`);

    const adopted = await sidecar.waitForLog((line) => line.event === "log-stream");

    expect(adopted.logStream).toBe(LOG_STREAM);
  });
});

describe("the config path", () => {
  it.each(KINDS)("%s: init/error naming it within 5 s, or read through the link", async (kind) => {
    // Prepare
    const folder = mkdtempSync(join(work, "config-"));
    const path = join(folder, "credentials-sidecar.yaml");
    makeSpecial(kind, path, configText(), MAX_CONFIG_BYTES);
    const runtime = await startMockRuntimeApi();
    const startedAt = Date.now();
    const sidecar = await startExtension({ env: lambdaEnv(runtime, path) });
    try {
      const refusal = CONFIG_FILE_REFUSALS[kind];
      if (refusal === undefined) {
        // Act, Assess: a config shipped as a link is read through it
        await runtime.waitForIdle(EXTENSION);
        expect(runtime.errors).toEqual([]);
        return;
      }
      // Act
      const error = await runtime.waitForError(5_000);
      const exit = await sidecar.exited(5_000);

      // Assess
      expect(error).toMatchObject({ route: "init/error", errorType: "Extension.ConfigInvalid" });
      expect((error.body as { errorMessage: string }).errorMessage).toBe(
        `Invalid config (${path}), 1 problem:\n  ${refusal}`,
      );
      expect(exit.code).toBe(1);
      expect(Date.now() - startedAt).toBeLessThan(5_000);
    } finally {
      sidecar.kill();
      await runtime.close();
    }
  });

  it.each(["fifo", "link to a fifo"] as const)("%s: `validate` says what it is and exits 1", async (kind) => {
    const path = join(mkdtempSync(join(work, "validate-")), "config.yaml");
    makeSpecial(kind, path, configText(), MAX_CONFIG_BYTES);

    const run = await runCli(["validate", path], { home: cliWork });

    expect(run).toEqual({
      code: 1,
      stdout: "",
      stderr: `Invalid config (${path}), 1 problem:\n  is not a regular file (a FIFO)\n`,
    });
  });
});
