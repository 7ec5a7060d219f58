/**
 * The moment `register` reaches Lambda, the runtime may start and ask for credentials (a Go bootstrap
 * does so within a millisecond), and nothing of the sidecar's later work has happened yet: config,
 * roles and fastify load after `register`. A function that reads the sidecar at once, with or without
 * the wrapper, must find the runtime files written and the port listening, never a refused
 * connection; its request waits (bounded) and is answered with the credentials.
 *
 * The mock holds its answer to `register` while the test plays that runtime, so the request is made
 * before the sidecar could have done anything after `register` (the control: the answer is released
 * only after the request was sent). Several runs side by side, to load the machine as cold starts do.
 */
import { existsSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockRuntimeApi } from "../../devkit/mockRuntimeApi/mockRuntimeApi.js";
import { type StsStandIn, startStsStandIn } from "../../devkit/stsStandIn/stsStandIn.js";
import { startExtension } from "../support/extensionProcess.js";
import { baseEnv, roleArn } from "../support/sidecarUnderFaults.js";

const EXTENSION = "credentials-sidecar";
let sts: StsStandIn;

beforeAll(async () => {
  sts = await startStsStandIn();
});
afterAll(async () => {
  await sts?.close();
});

/** GET with a fresh connection; rejects on a refused or reset connection. */
function getOnce(
  url: string,
  token: string,
): { sent: Promise<void>; answer: Promise<{ status: number; body: string }> } {
  let sent!: () => void;
  const sentPromise = new Promise<void>((resolve) => {
    sent = resolve;
  });
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(url, { headers: { Authorization: token }, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.on("socket", (socket) => socket.on("connect", sent));
    req.end();
  });
  return { sent: sentPromise, answer };
}

async function oneColdStart(): Promise<void> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const mock = await startMockRuntimeApi({ holdRegistrationReplies: held });
  const role = roleArn(sts, "reader");
  const sidecar = await startExtension({
    env: baseEnv(sts, {
      AWS_LAMBDA_RUNTIME_API: mock.address,
      AWS_CONFIG_FILE: "/nonexistent",
      CREDENTIALS_SIDECAR_ROLE_ARN: role,
    }),
  });
  try {
    await mock.waitForRegistered(EXTENSION);
    // The runtime's side, at once: the files the wrapper reads, then a request to the URL they give.
    const dir = sidecar.runtimeDir;
    for (const name of ["token", "roles-url", "default-role"])
      expect(existsSync(join(dir, name)), name).toBe(true);
    const token = readFileSync(join(dir, "token"), "utf8");
    const url = `${readFileSync(join(dir, "roles-url"), "utf8")}${readFileSync(join(dir, "default-role"), "utf8")}`;
    const asked = getOnce(url, token);
    await asked.sent; // connected while the register answer is still held: the port was listening
    release();
    const { status, body } = await asked.answer;
    expect(status, body).toBe(200);
    expect(JSON.parse(body)).toMatchObject({ Code: "Success", RoleArn: role });
    mock.shutdown();
    expect((await sidecar.exited()).code).toBe(0);
  } finally {
    release();
    sidecar.kill();
    await mock.close();
  }
}

describe("the register window", () => {
  it("a runtime that asks the moment register arrives finds the files and a listening port, and gets credentials", async () => {
    for (let round = 0; round < 4; round++) {
      await Promise.all([oneColdStart(), oneColdStart(), oneColdStart()]);
    }
  }, 120_000);
});
