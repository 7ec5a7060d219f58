import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { lookup } from "node:dns/promises";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { DatedResponse } from "../http/datedResponse.js";

/**
 * Where Lambda delivers Telemetry API batches: an HTTP listener on the sandbox's own address
 * (`sandbox.localdomain`, as the Telemetry API reference's destination example; 127.0.0.1 where that
 * name does not resolve, as under the mock Runtime API), on a path with 128 random bits. Code in the
 * function can reach the port, but not guess the path: a forged platform.start cannot choose the
 * tenant.
 */
export interface TelemetryListener {
  /** The destination URI for the subscription. */
  readonly uri: string;
  close(): Promise<void>;
}

const SANDBOX_HOST = "sandbox.localdomain";
/** Lambda resolves it from /etc/hosts; elsewhere a missing name must not hold start-up long. */
const LOOKUP_MS = 300;
/** The subscription asks for batches of at most 256 KiB; a margin above, a bound below memory. */
const MAX_BATCH_BYTES = 1024 * 1024;

export async function listenForTelemetry(onBatch: (body: string) => void): Promise<TelemetryListener> {
  const host = await sandboxAddress();
  const path = `/telemetry/${randomBytes(16).toString("hex")}`;
  const expected = digest(path);
  const server = createServer({ ServerResponse: DatedResponse }, (request, response) => {
    const allowed = request.method === "POST" && timingSafeEqual(digest(request.url ?? ""), expected);
    if (!allowed) {
      response.writeHead(404).end();
      request.resume();
      return;
    }
    readBody(request).then(
      (body) => {
        response.writeHead(200).end();
        onBatch(body);
      },
      () => response.writeHead(413, { connection: "close" }).end(),
    );
  });
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host.address, () => {
      server.off("error", reject);
      resolve();
    });
  });
  // Never keeps the process alive on its own: the event loop and the credentials server do.
  server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    uri: `http://${host.name}:${port}${path}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function sandboxAddress(): Promise<{ name: string; address: string }> {
  let cancel: NodeJS.Timeout | undefined;
  const timedOut = new Promise<undefined>((resolve) => {
    cancel = setTimeout(() => resolve(undefined), LOOKUP_MS);
  });
  const found = await Promise.race([
    lookup(SANDBOX_HOST, { family: 4 }).then(
      (result) => result.address,
      () => undefined,
    ),
    timedOut,
  ]);
  clearTimeout(cancel);
  return found === undefined
    ? { name: "127.0.0.1", address: "127.0.0.1" }
    : { name: SANDBOX_HOST, address: found };
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BATCH_BYTES) {
        request.destroy();
        reject(new Error("batch too large"));
      } else chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}
