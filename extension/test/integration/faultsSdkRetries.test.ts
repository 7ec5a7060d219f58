/**
 * A function's SDK while STS is throttled, through a proxy that counts how often it asked: boto3
 * retries the sidecar's 503 and fails with its reason; the JS SDK v3 retries it and succeeds once
 * STS recovers.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StsStandIn, startStsStandIn } from "../../devkit/stsStandIn/stsStandIn.js";
import { execClient, startGatedNodeClient } from "../support/clients.js";
import { type CountingProxy, startCountingProxy } from "../support/countingProxy.js";
import { FUNCTION_NAME, failures, REGION, rolesConfig, startSidecar } from "../support/sidecarUnderFaults.js";

describe("a function's SDK while STS is throttled", () => {
  let sts: StsStandIn;
  let proxy: CountingProxy;

  beforeAll(async () => {
    sts = await startStsStandIn();
  });
  afterAll(async () => {
    await sts?.close();
  });

  function clientEnvFor(port: number, role: string, token: string): Record<string, string> {
    return {
      AWS_CONTAINER_CREDENTIALS_FULL_URI: `http://127.0.0.1:${port}/roles/${role}`,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: token,
      AWS_ENDPOINT_URL: sts.endpoint,
      AWS_REGION: REGION,
    };
  }

  it("boto3 retries the 503 three times, then fails with the sidecar's reason", async () => {
    // Prepare: a sidecar whose AssumeRole meets a throttled STS
    await sts.setFault({ kind: "throttle" });
    const throttled = await startSidecar(sts, rolesConfig(sts));
    proxy = await startCountingProxy(throttled.sidecar.port);
    try {
      // Act
      const client = await execClient("python", clientEnvFor(proxy.port, "reader", throttled.token));

      // Assess: botocore's container provider made its 3 attempts, saw 503 each time, and gave up
      expect(client.exitCode).toBe(1);
      expect(client.stderr).toContain("503");
      expect(client.stderr).toContain("Throttling");
      expect(proxy.requests()).toBe(3);
      expect(client.stderr).not.toContain(throttled.token);
    } finally {
      await sts.setFault(undefined);
      await proxy.close();
      await throttled.stop();
    }
  });

  it("the JS SDK v3 retries the 503 and succeeds once STS recovers", async () => {
    // Prepare: the SDK loaded before anything else starts, so its start-up (seconds on a loaded
    // machine) cannot race the sidecar's backoff, which grows with every failed attempt.
    const client = startGatedNodeClient({ AWS_ENDPOINT_URL: sts.endpoint, AWS_REGION: REGION });
    await client.ready;
    // STS throttles the first attempt (a real failure, logged), then holds the next one: while an
    // AssumeRole is in flight the sidecar answers 503 after its 500 ms wait, and releasing the held
    // call brings credentials at once, not after a backoff. (The STS client gives up on a held call
    // after 5 s; from here to the release is one SDK request and that 500 ms wait.)
    await sts.setFault({ kind: "throttle" });
    const throttled = await startSidecar(sts, rolesConfig(sts));
    proxy = await startCountingProxy(throttled.sidecar.port);
    try {
      await throttled.sidecar.waitForLog((line) => line.event === "assume-failed" && line.role === "reader");
      await sts.setFault({ kind: "hang" });
      await sts.waitForCalls("AssumeRole", sts.calls("AssumeRole") + 1);

      // Act: the SDK asks; STS recovers once the SDK has had its 503
      client.go(clientEnvFor(proxy.port, "reader", throttled.token));
      await proxy.waitForStatus(503);
      await sts.setFault(undefined);
      const result = await client.finished;

      // Assess: the SDK acted as the role, after asking more than once
      expect(result.exitCode, result.stderr).toBe(0);
      const whoami = JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "{}") as { arn: string };
      expect(whoami.arn).toMatch(
        new RegExp(`^arn:aws:sts::${sts.accountId}:assumed-role/reader/${FUNCTION_NAME}\\.3\\.`),
      );
      expect(proxy.requests()).toBeGreaterThanOrEqual(2);
      expect(proxy.statuses()[0]).toBe(503);
      expect(proxy.statuses().at(-1)).toBe(200);
      expect(failures(throttled.sidecar, "reader").length).toBeGreaterThanOrEqual(1);
    } finally {
      await sts.setFault(undefined);
      await proxy.close();
      await throttled.stop();
      client.kill();
    }
  });
});
