// The mock's Telemetry API and tenant isolation mode: subscriptions checked like Lambda's, platform.start
// (with the invoke's tenant id) delivered in a batch after the buffering delay, and the runtime's
// Lambda-Runtime-Aws-Tenant-Id header.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { leaveOpen, runtimeApiClient } from "../../test/support/runtimeApiClient.js";
import { type MockRuntimeApi, startMockRuntimeApi } from "./mockRuntimeApi.js";

let mock: MockRuntimeApi;
let receiver: Server;
let batches: unknown[];
let receiverUri: string;
const { url, registerOk } = runtimeApiClient(() => mock.address);

beforeEach(async () => {
  mock = await startMockRuntimeApi({ functionName: "my-fn", functionVersion: "7" });
  batches = [];
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      batches.push(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUri = `http://sandbox.localdomain:${(receiver.address() as AddressInfo).port}/batch`;
});

afterEach(async () => {
  await mock.close();
  await new Promise((resolve) => receiver.close(resolve));
});

function subscribe(id: string, body: unknown): Promise<Response> {
  return fetch(url("/2022-07-01/telemetry"), {
    method: "PUT",
    headers: { "Lambda-Extension-Identifier": id, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

const VALID = (uri: string) => ({
  schemaVersion: "2025-01-29",
  destination: { protocol: "HTTP", URI: uri },
  types: ["platform"],
  buffering: { maxItems: 1000, maxBytes: 262144, timeoutMs: 25 },
});

describe("Telemetry API and tenant isolation", () => {
  it("delivers platform.start with the invoke's tenant id to a subscriber, after its buffering", async () => {
    const id = await registerOk("ext");
    expect((await subscribe(id, VALID(receiverUri))).status).toBe(200);
    const { requestId } = mock.invoke({}, { tenantId: "blue" });
    await mock.waitForTelemetryDeliveries(1);

    expect(batches).toEqual([
      [
        {
          time: expect.any(String),
          type: "platform.start",
          record: { requestId, version: "7", tenantId: "blue" },
        },
      ],
    ]);
    expect(mock.telemetryDeliveries[0]).toMatchObject({ extension: "ext", status: 200 });
  });

  it("sends no tenantId when the invoke names none (a function without tenant isolation)", async () => {
    const id = await registerOk("ext");
    await subscribe(id, VALID(receiverUri));
    mock.invoke({});
    await mock.waitForTelemetryDeliveries(1);
    expect((batches[0] as { record: Record<string, unknown> }[])[0]?.record).not.toHaveProperty("tenantId");
  });

  it("refuses subscriptions Lambda's schema refuses, and unknown extensions", async () => {
    const id = await registerOk("ext");
    for (const body of [
      { ...VALID(receiverUri), schemaVersion: "2020-01-01" },
      { ...VALID(receiverUri), types: [] },
      { ...VALID(receiverUri), destination: { protocol: "HTTP" } },
      { ...VALID(receiverUri), buffering: { timeoutMs: 10 } },
    ]) {
      expect((await subscribe(id, body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await subscribe("not-registered", VALID(receiverUri))).status).toBe(403);
    expect(mock.telemetrySubscriptions).toEqual([]);
  });

  it("gives the runtime the tenant id as Lambda-Runtime-Aws-Tenant-Id, and no such header without one", async () => {
    for (const tenantId of ["green", undefined]) {
      const poll = leaveOpen(fetch(url("/2018-06-01/runtime/invocation/next")));
      await mock.waitForRuntime();
      const { requestId } = mock.invoke({}, tenantId === undefined ? {} : { tenantId });
      const res = await poll;
      expect(res.headers.get("lambda-runtime-aws-tenant-id")).toBe(tenantId ?? null);
      await fetch(url(`/2018-06-01/runtime/invocation/${requestId}/response`), {
        method: "POST",
        body: "{}",
      });
    }
  });
});
