/**
 * STS calls as robust as the SDK's, in both AssumeRole clients of the built layer (its own node):
 * - a kept-alive socket reset before any answer (a NAT's idle timeout, a thawed sandbox) is retried
 *   at once on a fresh connection, with no failure logged;
 * - an answer trickled a byte at a time ends at the 5 s deadline of the attempt;
 * - HTTPS_PROXY / HTTP_PROXY / NO_PROXY (upper and lower case) are honoured: through a CONNECT proxy
 *   for https, absolute-form for http.
 * - over https without a proxy (the direct client's hand-written exchange, which connects to the
 *   name's address itself), STS's certificate is checked: trusted through NODE_EXTRA_CA_CERTS,
 *   refused without it, and refused when trusted but for another name. STS's name is one only the proxy resolves, so a call that got
 *   through went through it; control: without a proxy variable the same endpoint is unreachable.
 * The direct client is chosen by keys in the environment; the SDK's by AWS_STS_REGIONAL_ENDPOINTS
 * (stsClientChoice.test.ts proves both choices by User-Agent).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockRuntimeApi } from "../../extension/devkit/mockRuntimeApi/mockRuntimeApi.js";
import { STS_REQUEST_TIMEOUT_MS } from "../../extension/src/sts/credentials.js";
import { type ExtensionProcess, startExtension } from "../../extension/test/support/extensionProcess.js";
import type { MotoEnvironment } from "../../extension/test/support/moto.js";
import { getRole } from "../../extension/test/support/sidecarUnderFaults.js";
import {
  startConnectProxy,
  startResettingFront,
  startTlsFront,
  startTricklingSts,
  type TlsFront,
} from "../../extension/test/support/stsPeers.js";
import { NO_OPENSSL, selfSignedCertificate } from "../../extension/test/support/testCertificate.js";
import { extractLayer, layerBesideMoto } from "./support/layer.js";

const EXTENSION = "credentials-sidecar";
/** A name no resolver knows but the test proxy. */
const PROXY_ONLY_HOST = "sts.proxy-only.test";
const CLIENTS = {
  direct: {},
  sdk: { AWS_STS_REGIONAL_ENDPOINTS: "regional" },
} as const;
type Client = keyof typeof CLIENTS;

let work: string;
let opt: string;
let moto: MotoEnvironment;
/** Undefined without openssl (the https rows then skip, saying so). */
let tls: TlsFront | undefined;
/** A front whose certificate, trusted as well, is for another name only. */
let otherNameTls: TlsFront | undefined;
let caFile = "";

function needsTls(ctx: { skip(note: string): never }): TlsFront {
  if (tls === undefined) ctx.skip(NO_OPENSSL);
  return tls;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "sts-connections-"));
  const started = await layerBesideMoto(work);
  moto = started.moto;
  opt = extractLayer(started.layer.entries, join(work, "opt"));
  // A certificate for STS's names, trusted by the extension through NODE_EXTRA_CA_CERTS.
  const sts = selfSignedCertificate(work, [PROXY_ONLY_HOST, "localhost"]);
  const elsewhere = selfSignedCertificate(work, ["elsewhere.test"]);
  if (sts === undefined || elsewhere === undefined) return;
  caFile = join(work, "trusted.pem");
  writeFileSync(caFile, sts.cert + elsewhere.cert);
  [tls, otherNameTls] = await Promise.all([
    startTlsFront(moto.endpoint, sts),
    startTlsFront(moto.endpoint, elsewhere),
  ]);
});

afterAll(async () => {
  await Promise.all([tls?.close(), otherNameTls?.close(), moto?.stop()]);
  if (work) rmSync(work, { recursive: true, force: true });
});

interface Run {
  readonly sidecar: ExtensionProcess;
  get(role: string): ReturnType<typeof getRole>;
  stop(): Promise<void>;
}

/** The layer's launcher in a sandbox with moto's base keys, `env` on top; roles as YAML. */
async function start(client: Client, env: Record<string, string | undefined>, roles: string): Promise<Run> {
  const runtime = await startMockRuntimeApi({ functionName: "connections-fn" });
  const config = join(mkdtempSync(join(work, "config-")), "credentials-sidecar.yaml");
  writeFileSync(config, roles);
  const sidecar = await startExtension({
    command: [join(opt, "extensions", EXTENSION)],
    env: {
      AWS_LAMBDA_RUNTIME_API: runtime.address,
      AWS_LAMBDA_FUNCTION_NAME: "connections-fn",
      AWS_LAMBDA_FUNCTION_VERSION: "1",
      AWS_REGION: moto.region,
      AWS_ACCESS_KEY_ID: moto.base.accessKeyId,
      AWS_SECRET_ACCESS_KEY: moto.base.secretAccessKey,
      ...(caFile === "" ? {} : { NODE_EXTRA_CA_CERTS: caFile }),
      CREDENTIALS_SIDECAR_CONFIG: config,
      ...CLIENTS[client],
      ...env,
    },
  });
  await runtime.waitForRegistered(EXTENSION);
  const token = readFileSync(join(sidecar.runtimeDir, "token"), "utf8");
  return {
    sidecar,
    get: (role) => getRole(sidecar.port, role, token),
    async stop() {
      sidecar.kill();
      await sidecar.exited(5000).catch(() => undefined);
      await runtime.close();
      rmSync(dirname(sidecar.runtimeDir), { recursive: true, force: true });
    },
  };
}

const readerOnly = () => `default: reader\nroles:\n  reader:\n    RoleArn: ${moto.roles.reader}\n`;

const outcome = (run: Run, role: string) =>
  run.sidecar.waitForLog(
    (line) => ["assumed", "assume-failed"].includes(String(line.event)) && line.role === role,
    20_000,
  );

describe.each(Object.keys(CLIENTS) as Client[])("the %s client", (client) => {
  it("retries at once, on a fresh connection, a kept-alive socket reset before any answer", async () => {
    // Prepare: a front to moto that answers the first AssumeRole 503 on a kept-alive socket, then
    // resets whatever comes on a socket it already answered on
    const front = await startResettingFront(moto.endpoint, { refuseFirst: true });
    const run = await start(client, { AWS_ENDPOINT_URL_STS: front.url }, readerOnly());
    try {
      // Act: the backoff's retry goes out on the kept-alive socket
      const first = await outcome(run, "reader");
      const assumed = await run.sidecar.waitForLog((line) => line.event === "assumed", 20_000);
      const served = await run.get("reader");

      // Assess: the retry met the reset (the condition), which was retried at once on a new
      // connection and logged nowhere: one failure, the 503
      expect(first).toMatchObject({ event: "assume-failed", code: "ServiceUnavailable" });
      expect(front.resets(), run.sidecar.output()).toBe(1);
      expect(front.connections()).toBe(2);
      expect(front.answered()).toEqual(["AssumeRole", "AssumeRole"]);
      expect(run.sidecar.logs.filter((line) => line.event === "assume-failed")).toHaveLength(1);
      expect(assumed.role).toBe("reader");
      expect(served.status, served.text).toBe(200);
    } finally {
      await run.stop();
      await front.close();
    }
  });

  it("ends an answer trickled a byte at a time at the attempt's deadline", async () => {
    // Prepare: a byte every 250 ms, far more often than any idle timeout would notice
    const sts = await startTricklingSts(250);
    const closed = sts.nextClose();
    const run = await start(client, { AWS_ENDPOINT_URL_STS: sts.url }, readerOnly());
    try {
      // Act
      const failed = await outcome(run, "reader");
      const closedAfterMs = await closed;

      // Assess
      expect(failed).toMatchObject({ event: "assume-failed", code: "StsUnreachable", retryable: true });
      expect(String(failed.error)).toContain(`within ${STS_REQUEST_TIMEOUT_MS} ms`);
      // Timed at the peer, from the request's arrival: the sidecar's deadline started earlier (connect,
      // send), and a loaded test process sees the arrival late, so the bound allows for both; an
      // earlier cut (the 2 s connect timeout misapplied, an idle timeout) still fails it.
      expect(closedAfterMs).toBeGreaterThanOrEqual(STS_REQUEST_TIMEOUT_MS - 1000);
      expect(closedAfterMs).toBeLessThan(STS_REQUEST_TIMEOUT_MS + 3000);
      expect(sts.trickledBytes()).toBeGreaterThan(10);
    } finally {
      await run.stop();
      await sts.close();
    }
  });

  const viaProxy = (scheme: "https" | "http", ctx: { skip(note: string): never }) =>
    scheme === "https"
      ? needsTls(ctx).urlFor(PROXY_ONLY_HOST)
      : moto.endpoint.replace("127.0.0.1", PROXY_ONLY_HOST);
  it.for([
    ["HTTPS_PROXY", "https"],
    ["https_proxy", "https"],
    ["HTTP_PROXY", "http"],
    ["http_proxy", "http"],
  ] as const)("goes through the proxy %s names, to STS over %s", async ([variable, scheme], ctx) => {
    // Prepare
    const proxy = await startConnectProxy({ [PROXY_ONLY_HOST]: "127.0.0.1" });
    const run = await start(
      client,
      { AWS_ENDPOINT_URL_STS: viaProxy(scheme, ctx), [variable]: proxy.url },
      readerOnly(),
    );
    try {
      // Act
      const assumed = await outcome(run, "reader");
      const served = await run.get("reader");

      // Assess
      expect(assumed.event, JSON.stringify(assumed)).toBe("assumed");
      expect(served.status, served.text).toBe(200);
      if (scheme === "https") expect(proxy.tunnels()[0]).toMatch(new RegExp(`^${PROXY_ONLY_HOST}:\\d+$`));
      else expect(proxy.requests()[0]).toMatch(new RegExp(`^http://${PROXY_ONLY_HOST}:\\d+/`));
    } finally {
      await run.stop();
      await proxy.close();
    }
  });

  it("goes straight to STS for a host NO_PROXY names, proxy set or not", async (ctx) => {
    // Prepare
    const endpoint = needsTls(ctx).urlFor("localhost");
    const proxy = await startConnectProxy();
    const run = await start(
      client,
      { AWS_ENDPOINT_URL_STS: endpoint, HTTPS_PROXY: proxy.url, no_proxy: "localhost" },
      readerOnly(),
    );
    try {
      // Act
      const assumed = await outcome(run, "reader");

      // Assess
      expect(assumed.event, JSON.stringify(assumed)).toBe("assumed");
      expect(proxy.tunnels()).toEqual([]);
      expect(proxy.requests()).toEqual([]);
    } finally {
      await run.stop();
      await proxy.close();
    }
  });

  it("over https without a proxy: STS's certificate is trusted through NODE_EXTRA_CA_CERTS, and refused without it", async (ctx) => {
    // Prepare: STS's certificate, for localhost, issued by no CA node knows
    const endpoint = needsTls(ctx).urlFor("localhost");
    const trusting = await start(client, { AWS_ENDPOINT_URL_STS: endpoint }, readerOnly());
    const untrusting = await start(
      client,
      { AWS_ENDPOINT_URL_STS: endpoint, NODE_EXTRA_CA_CERTS: undefined },
      readerOnly(),
    );
    try {
      // Act
      const [assumed, refused] = await Promise.all([
        outcome(trusting, "reader"),
        outcome(untrusting, "reader"),
      ]);
      const served = await trusting.get("reader");

      // Assess
      expect(assumed.event, JSON.stringify(assumed)).toBe("assumed");
      expect(served.status, served.text).toBe(200);
      expect(refused).toMatchObject({ event: "assume-failed", retryable: true });
      expect(String(refused.error)).toContain("self-signed certificate");
    } finally {
      await Promise.all([trusting.stop(), untrusting.stop()]);
    }
  });

  it("over https without a proxy: a trusted certificate for another name than STS's is refused", async (ctx) => {
    // Prepare: localhost's address answers with a certificate for elsewhere.test, issued by a trusted CA
    needsTls(ctx);
    const endpoint = (otherNameTls as TlsFront).urlFor("localhost");
    const run = await start(client, { AWS_ENDPOINT_URL_STS: endpoint }, readerOnly());
    try {
      // Act
      const refused = await outcome(run, "reader");

      // Assess: node's refusal, naming the host and the certificate's names
      expect(refused).toMatchObject({ event: "assume-failed" });
      expect(String(refused.error)).toContain(
        "Host: localhost. is not in the cert's altnames: DNS:elsewhere.test",
      );
    } finally {
      await run.stop();
    }
  });

  it("control: without a proxy variable, the name only the proxy knows is unreachable", async (ctx) => {
    // Prepare
    const run = await start(client, { AWS_ENDPOINT_URL_STS: viaProxy("https", ctx) }, readerOnly());
    try {
      // Act
      const failed = await outcome(run, "reader");

      // Assess
      expect(failed).toMatchObject({ event: "assume-failed", code: "StsUnreachable" });
      expect(String(failed.error)).toContain("ENOTFOUND");
    } finally {
      await run.stop();
    }
  });
});
