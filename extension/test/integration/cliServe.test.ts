/**
 * `credentials-sidecar serve` as a user runs it (dist/cli.mjs): the extension standalone, healthy,
 * until SIGTERM, then exit 0.
 */
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startProcess } from "../../devkit/processKit.mjs";
import { CLI, cliEnv, cliWorkDirPerFile, startDeadEndSts, writeFileIn } from "../support/cli.js";

const workDir = cliWorkDirPerFile("cli-serve-");

describe("serve", () => {
  it("runs the extension standalone until SIGTERM, then exits 0", async () => {
    const config = writeFileIn(
      workDir,
      "serve.yaml",
      "roles:\n  app:\n    RoleArn: arn:aws:iam::123456789012:role/app\n",
    );
    // STS does not answer on purpose: serving, /health and the stop do not depend on it.
    const sts = await startDeadEndSts();
    const serve = startProcess({
      command: process.execPath,
      args: [CLI, "serve", "--config", config, "--port", "0"],
      env: {
        ...cliEnv(workDir),
        AWS_ACCESS_KEY_ID: "AKIAEXAMPLEEXAMPLE00",
        AWS_SECRET_ACCESS_KEY: "example",
        AWS_REGION: "us-east-1",
        AWS_ENDPOINT_URL_STS: sts.endpoint,
        CREDENTIALS_SIDECAR_RUNTIME_DIR: mkdtempSync(join(workDir, "serve-rt-")),
      },
      name: "serve",
    });
    try {
      const port = await serve.waitForPort();
      await serve.waitForLog((line) => line.event === "standalone");
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(health.status).toBe(200);
      const exit = await serve.stop();
      expect(exit.code).toBe(0);
      expect(serve.records.find((line) => line.event === "stop")?.reason).toBe("SIGTERM");
    } finally {
      await serve.kill();
      await sts.close();
    }
  });
});
