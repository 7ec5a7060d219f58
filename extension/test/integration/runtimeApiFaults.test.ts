/**
 * The bundled extension when the Lambda Runtime API misbehaves, and how it ends: event/next failing or
 * cut, the API vanishing, SHUTDOWN while an AssumeRole hangs, SIGTERM. A port already taken is covered
 * by core.test.ts ("a port already in use is reported as such") and not repeated here.
 */
import { existsSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockRuntimeApi } from "../../devkit/mockRuntimeApi/mockRuntimeApi.js";
import { type StsStandIn, startStsStandIn } from "../../devkit/stsStandIn/stsStandIn.js";
import { type ExtensionProcess, startExtension } from "../support/extensionProcess.js";

const EXTENSION = "credentials-sidecar";
const RUNTIME_FILES = ["token", "roles-url", "default-role"];
/** Lambda's shutdown phase with external extensions: 2,000 ms, then SIGKILL. */
const SHUTDOWN_BUDGET_MS = 2000;

let sts: StsStandIn;

beforeAll(async () => {
  sts = await startStsStandIn();
});
afterAll(async () => {
  await sts?.close();
});

function sidecarEnv(runtimeApi: string): Record<string, string> {
  return {
    AWS_LAMBDA_RUNTIME_API: runtimeApi,
    AWS_LAMBDA_FUNCTION_NAME: "runtime-faults-fn",
    AWS_REGION: "eu-west-1",
    AWS_ACCESS_KEY_ID: sts.base.accessKeyId,
    AWS_SECRET_ACCESS_KEY: sts.base.secretAccessKey,
    AWS_ENDPOINT_URL_STS: sts.endpoint,
    CREDENTIALS_SIDECAR_ROLE_ARN: `arn:aws:iam::${sts.accountId}:role/reader`,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
}

function runtimeFilesLeft(sidecar: ExtensionProcess): string[] {
  return RUNTIME_FILES.filter((name) => existsSync(join(sidecar.runtimeDir, name)));
}

interface Recorded {
  readonly route: string;
  readonly headers: IncomingMessage["headers"];
  readonly body: string;
  readonly at: number;
}

interface TinyRuntimeApi {
  readonly address: string;
  readonly calls: Recorded[];
  waitFor(route: string, timeoutMs?: number): Promise<Recorded>;
  close(): Promise<void>;
}

/**
 * A Runtime API that registers like Lambda, records init/exit errors (202), and lets the test decide
 * what event/next does: the faults the full mock does not model.
 */
async function startTinyRuntimeApi(onNext: (res: ServerResponse) => void): Promise<TinyRuntimeApi> {
  const calls: Recorded[] = [];
  const listeners = new Set<() => void>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const route = `${req.method} ${(req.url ?? "").replace("/2020-01-01/extension", "")}`;
      calls.push({
        route,
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        at: Date.now(),
      });
      for (const listener of listeners) listener();
      if (route === "POST /register") {
        res.writeHead(200, { "content-type": "application/json", "lambda-extension-identifier": "ext-1" });
        res.end(JSON.stringify({ functionName: "runtime-faults-fn", functionVersion: "$LATEST" }));
      } else if (route === "GET /event/next") {
        onNext(res);
      } else {
        res.writeHead(202, { "content-type": "application/json" }).end('{"status":"OK"}');
      }
    });
  });
  server.requestTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    waitFor: (route, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = calls.find((call) => call.route === route);
          if (found === undefined) return;
          clearTimeout(timer);
          listeners.delete(check);
          resolve(found);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(
            new Error(`no ${route} within ${timeoutMs} ms; saw ${calls.map((c) => c.route).join(", ")}`),
          );
        }, timeoutMs);
        listeners.add(check);
        check();
      }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe("event/next fails", () => {
  it.each<[string, (res: ServerResponse) => void]>([
    ["answers 500", (res) => res.writeHead(500).end('{"errorType":"ServiceException"}')],
    ["cuts the connection", (res) => res.socket?.destroy()],
    ["sends an event type nobody knows", (res) => res.writeHead(200).end('{"eventType":"REBOOT"}')],
  ])(
    "when it %s, the extension reports exit/error, removes its files and exits 1 promptly",
    async (_name, onNext) => {
      // Prepare
      const api = await startTinyRuntimeApi(onNext);
      const sidecar = await startExtension({ env: sidecarEnv(api.address) });
      try {
        // Act
        const next = await api.waitFor("GET /event/next");
        const exit = await sidecar.exited();

        // Assess: Lambda hears why (the API still answers), and the process ends without lingering
        const reported = await api.waitFor("POST /exit/error");
        expect(reported.headers["lambda-extension-function-error-type"]).toBe("Extension.RuntimeApiError");
        expect(reported.headers["lambda-extension-identifier"]).toBe("ext-1");
        expect(JSON.parse(reported.body)).toMatchObject({ errorType: "Extension.RuntimeApiError" });
        expect(exit.code).toBe(1);
        expect(Date.now() - next.at).toBeLessThan(SHUTDOWN_BUDGET_MS);
        expect(runtimeFilesLeft(sidecar)).toEqual([]);
        expect(sidecar.logs.some((line) => line.event === "runtime-api-error")).toBe(true);
      } finally {
        sidecar.kill();
        await api.close();
      }
    },
  );

  it("when the Runtime API vanishes while the extension waits in event/next, it exits 1 promptly", async () => {
    // Prepare
    const runtime = await startMockRuntimeApi();
    const sidecar = await startExtension({ env: sidecarEnv(runtime.address) });
    try {
      await runtime.waitForIdle(EXTENSION);

      // Act
      const closedAt = Date.now();
      await runtime.close();
      const exit = await sidecar.exited();

      // Assess
      expect(exit.code).toBe(1);
      expect(Date.now() - closedAt).toBeLessThan(SHUTDOWN_BUDGET_MS);
      expect(runtimeFilesLeft(sidecar)).toEqual([]);
    } finally {
      sidecar.kill();
    }
  });
});

describe("ending", () => {
  it("SHUTDOWN while an AssumeRole hangs ends with 0 inside the 2,000 ms budget", async () => {
    // Prepare: 6 s sessions are refreshed after about 3 s; the refresh then hangs in STS
    const hanging = await startStsStandIn({ sessionLifetimeSeconds: 6 });
    const runtime = await startMockRuntimeApi();
    const sidecar = await startExtension({
      env: {
        ...sidecarEnv(runtime.address),
        AWS_ACCESS_KEY_ID: hanging.base.accessKeyId,
        AWS_SECRET_ACCESS_KEY: hanging.base.secretAccessKey,
        AWS_ENDPOINT_URL_STS: hanging.endpoint,
      },
    });
    try {
      await runtime.waitForIdle(EXTENSION);
      await sidecar.waitForLog((line) => line.event === "assumed");
      await hanging.setFault({ kind: "hang" });
      await hanging.waitForCalls("AssumeRole", 2); // the refresh reached STS and hangs

      // Act
      const shutdownAt = Date.now();
      runtime.shutdown();
      const exit = await sidecar.exited(5000);

      // Assess
      expect(exit.code).toBe(0);
      expect(Date.now() - shutdownAt).toBeLessThan(SHUTDOWN_BUDGET_MS);
      expect(sidecar.logs.filter((line) => line.event === "assume-failed")).toEqual([]); // still in flight
      expect(sidecar.logs.find((line) => line.event === "stop")?.reason).toBe("SHUTDOWN (spindown)");
      expect(runtimeFilesLeft(sidecar)).toEqual([]);
    } finally {
      sidecar.kill();
      await runtime.close();
      await hanging.close();
    }
  });

  it("SIGTERM ends with 0 and removes the token and the other runtime files", async () => {
    // Prepare
    const runtime = await startMockRuntimeApi();
    const sidecar = await startExtension({ env: sidecarEnv(runtime.address) });
    try {
      await runtime.waitForIdle(EXTENSION);
      expect(runtimeFilesLeft(sidecar)).toEqual(RUNTIME_FILES);
      expect(readFileSync(join(sidecar.runtimeDir, "token"), "utf8")).toMatch(/^[A-Za-z0-9_-]{43}$/);

      // Act
      const signalledAt = Date.now();
      sidecar.child.kill("SIGTERM");
      const exit = await sidecar.exited(5000);

      // Assess
      expect(exit).toMatchObject({ code: 0, signal: null });
      expect(Date.now() - signalledAt).toBeLessThan(SHUTDOWN_BUDGET_MS);
      expect(runtimeFilesLeft(sidecar)).toEqual([]);
      expect(sidecar.logs.find((line) => line.event === "stop")?.reason).toBe("SIGTERM");
    } finally {
      sidecar.kill();
      await runtime.close();
    }
  });
});
