// The STS stand-in's faults: error answers, refused connections, hangs, and the waits tests use.
import { createServer } from "node:net";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assumeRole, errorOf, stsClient } from "../../test/support/stsClient.js";
import { type StsStandIn, startStsStandIn } from "./stsStandIn.js";

const ACCOUNT = "123456789012";
let sts: StsStandIn;

beforeAll(async () => {
  sts = await startStsStandIn();
});
afterAll(() => sts.close());

const whoami = () => stsClient(sts.endpoint, sts.base).send(new GetCallerIdentityCommand({}));
const assume = () => assumeRole(sts.endpoint, sts.base, ACCOUNT, "app-role");

/** Whether another server can bind `port` on 127.0.0.1 now (it is closed again at once if so). */
function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const other = createServer();
    other.once("error", () => resolve(false));
    other.listen(port, "127.0.0.1", () => other.close(() => resolve(true)));
  });
}

describe("STS stand-in faults", () => {
  it("injects throttling and server errors for the chosen actions and number of calls", async () => {
    const before = sts.calls("AssumeRole");
    await sts.setFault({ kind: "throttle", actions: ["AssumeRole"], times: 1 });
    expect((await whoami()).Account).toBe(ACCOUNT);
    expect(await errorOf(assume())).toMatchObject({
      name: "Throttling",
      message: "Rate exceeded",
      status: 400,
    });
    expect((await assume()).Credentials?.AccessKeyId).toMatch(/^ASIA/);
    expect(sts.calls("AssumeRole")).toBe(before + 2);
    await sts.setFault({ kind: "server-error" });
    expect(await errorOf(whoami())).toMatchObject({ name: "InternalFailure", status: 500 });
    await sts.setFault({ kind: "unavailable", times: 1 });
    expect(await errorOf(assume())).toMatchObject({ name: "ServiceUnavailable", status: 503 });
    await sts.setFault(undefined);
  });

  it("resets every connection while the refuse fault is set, and serves again on the same port after", async () => {
    const port = Number(new URL(sts.endpoint).port);
    expect((await whoami()).Account).toBe(ACCOUNT); // a keep-alive connection is open now
    const callsBefore = sts.calls();

    await sts.setFault({ kind: "refuse" });
    const refused = [await errorOf(whoami()), await errorOf(assume())];

    // Reset before the request was read; a client still writing it may see EPIPE instead.
    for (const error of refused) expect(["ECONNRESET", "EPIPE"]).toContain(error.code);
    expect(sts.calls()).toBe(callsBefore); // no request got through
    // The port stays the stand-in's all along: no other process can take it in between.
    expect(await bindable(port)).toBe(false);
    await sts.setFault(undefined);
    expect((await whoami()).Account).toBe(ACCOUNT);
  });

  it("holds requests while hanging and answers them once the fault is cleared", async () => {
    await sts.setFault({ kind: "hang", actions: ["GetCallerIdentity"] });
    const before = sts.calls("GetCallerIdentity");
    let settled = false;
    const pending = whoami().finally(() => {
      settled = true;
    });
    await sts.waitForCalls("GetCallerIdentity", before + 1);
    expect((await assume()).AssumedRoleUser?.Arn).toContain("app-role");
    expect(settled).toBe(false);
    await sts.setFault(undefined);
    expect((await pending).Account).toBe(ACCOUNT);
  });

  it("waitForCalls resolves on the call that reaches the count, and rejects after its bound", async () => {
    const before = sts.calls("AssumeRole");
    const reached = sts.waitForCalls("AssumeRole", before + 2);
    let resolved = false;
    void reached.then(() => {
      resolved = true;
    });
    await assume();
    await Promise.resolve();
    expect(resolved).toBe(false);
    await assume();
    await reached;
    await expect(sts.waitForCalls("AssumeRole", before + 3, 50)).rejects.toThrow(
      `STS stand-in: ${before + 2} of ${before + 3} AssumeRole calls after 50 ms`,
    );
  });
});

describe("STS stand-in lifecycle", () => {
  it("drops hanging requests when closed", async () => {
    const own = await startStsStandIn();
    await own.setFault({ kind: "hang" });
    const pending = errorOf(stsClient(own.endpoint, own.base).send(new GetCallerIdentityCommand({})));
    await own.waitForCalls("GetCallerIdentity", 1);
    await own.close();
    expect((await pending).message).toMatch(/socket hang up|ECONNRESET/);
  });
});
