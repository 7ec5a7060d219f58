/**
 * Running layer/release/publish.mjs as a process against moto, with a release folder of small
 * stand-in zips written as `make release` writes them; the credentials it is given are distinctive,
 * so a test can tell they were never printed.
 */
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { cleanAwsEnv } from "../../../../extension/devkit/processKit.mjs";
import { writeZip } from "../../../zip.mjs";
import { formatSums, readVersion, zipName } from "../../artifacts.mjs";

const repo = fileURLToPath(new URL("../../../..", import.meta.url));
const publishScript = join(repo, "layer", "release", "publish.mjs");
export const version = readVersion(repo);
export const VARIANTS = ["x86_64", "arm64", "nodejs"] as const;
// Distinctive values, so that a test can tell they were never printed.
export const CREDENTIALS = {
  AWS_ACCESS_KEY_ID: "AKIARELEASETEST4242",
  AWS_SECRET_ACCESS_KEY: "release-test-secret-key-0123456789abcdef",
  AWS_SESSION_TOKEN: "release-test-session-token-fedcba9876543210",
};

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the publish command on `dir` with `args`, against `endpoint` with `credentials` and a clean
 * environment (HOME is `home`, so no real AWS config is read).
 */
export function publish(options: {
  endpoint: string;
  home: string;
  dir: string;
  args: string[];
  credentials?: Record<string, string>;
}): Promise<Run> {
  const env = cleanAwsEnv({
    HOME: options.home,
    AWS_ENDPOINT_URL: options.endpoint,
    ...(options.credentials ?? CREDENTIALS),
  });
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [publishScript, "--dir", options.dir, ...options.args],
      { env },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr });
      },
    );
  });
}

/** The JSON summary: everything from the first line that is exactly "{". */
export function summaryOf(stdout: string) {
  return JSON.parse(stdout.slice(stdout.indexOf("\n{\n") + 1));
}

/** A release folder as `make release` writes it, with small stand-in zips. */
export async function writeRelease(dir: string, sizes: Partial<Record<string, number>> = {}) {
  const files: Record<string, Buffer> = {};
  for (const variant of VARIANTS) {
    const size = sizes[variant];
    const zip =
      size === undefined
        ? await writeZip([
            {
              name: "extensions/credentials-sidecar",
              data: Buffer.from(`#!/bin/sh\n# ${variant}\n`),
              mode: 0o755,
            },
          ])
        : Buffer.alloc(size, 1); // only its size and checksum matter to the command
    files[zipName(version, variant)] = zip;
    writeFileSync(join(dir, zipName(version, variant)), zip);
  }
  writeFileSync(join(dir, "SHA256SUMS"), formatSums(files));
  return files;
}

export function expectNoCredentials(run: Run) {
  for (const value of Object.values(CREDENTIALS)) {
    expect(run.stdout).not.toContain(value);
    expect(run.stderr).not.toContain(value);
  }
}
