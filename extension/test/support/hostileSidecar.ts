/**
 * The bundled extension in standalone mode (no Runtime API: the same server, without a lifecycle to
 * drive) against the STS stand-in, serving two roles, as the hostile HTTP tests attack it: one per
 * test file, with its token and every credential string it serves, which no answer may carry where it
 * is not due and no log line may hold. After the file's tests it must still run, its log clean.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect } from "vitest";
import { type StsStandIn, startStsStandIn } from "../../devkit/stsStandIn/stsStandIn.js";
import { type ExtensionProcess, startExtension } from "./extensionProcess.js";
import { getRequest, type RawResponse, rawRequest } from "./rawHttp.js";

export const ROLES = ["reader", "other"] as const;

export interface HostileSidecar {
  readonly sts: StsStandIn;
  readonly sidecar: ExtensionProcess;
  readonly port: number;
  readonly token: string;
  /** Every credential string the sidecar serves (and its token): none may appear where it is not due. */
  readonly secrets: readonly string[];
  /** Sends bytes as they are to the sidecar and reads one response (or the close). */
  send(request: Buffer | string, timeoutMs?: number): Promise<RawResponse>;
  /** A well-formed GET to the sidecar with the given Authorization header value (undefined: none). */
  getRequest(path: string, authorization: string | undefined, extra?: readonly string[]): Buffer;
  /** What is wrong with a response, whatever its status: an empty list when it is safe. */
  unsafety(response: RawResponse, authorisedFor: string | undefined): string[];
  /** The process still runs, and its output holds no token, no credential and none of `alsoAbsent`. */
  expectAliveAndQuiet(alsoAbsent?: readonly string[]): void;
}

/**
 * Registers hooks that start the stand-in and the sidecar before the file's tests (with `command`,
 * the executable and its arguments, if given) and check and stop them after.
 */
export function hostileSidecarPerFile(
  options: { command?: () => Promise<readonly string[]> } = {},
): HostileSidecar {
  let started: { sts: StsStandIn; sidecar: ExtensionProcess; token: string; secrets: string[] } | undefined;
  const get = () => {
    if (started === undefined) throw new Error("the sidecar starts in beforeAll: use it inside a test");
    return started;
  };

  beforeAll(async () => {
    const sts = await startStsStandIn();
    const configPath = join(mkdtempSync(join(tmpdir(), "hostile-config-")), "credentials-sidecar.yaml");
    writeFileSync(
      configPath,
      `roles:\n${ROLES.map((r) => `  ${r}:\n    RoleArn: arn:aws:iam::${sts.accountId}:role/${r}\n`).join("")}`,
    );
    const command = await options.command?.();
    const sidecar = await startExtension({
      ...(command === undefined ? {} : { command }),
      env: {
        AWS_REGION: "eu-west-1",
        AWS_ACCESS_KEY_ID: sts.base.accessKeyId,
        AWS_SECRET_ACCESS_KEY: sts.base.secretAccessKey,
        AWS_ENDPOINT_URL_STS: sts.endpoint,
        CREDENTIALS_SIDECAR_CONFIG: configPath,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      },
    });
    started = { sts, sidecar, token: "", secrets: [] };
    await sidecar.waitForLog((line) => line.event === "standalone");
    const token = readFileSync(join(sidecar.runtimeDir, "token"), "utf8");
    const secrets = [token];
    for (const role of ROLES) {
      await sidecar.waitForLog((line) => line.event === "assumed" && line.role === role);
      const served = (await (
        await fetch(`http://127.0.0.1:${sidecar.port}/roles/${role}`, { headers: { authorization: token } })
      ).json()) as Record<string, string>;
      for (const key of ["AccessKeyId", "SecretAccessKey", "Token"]) secrets.push(served[key] ?? "");
    }
    expect(secrets.every((s) => s.length >= 16)).toBe(true);
    started = { sts, sidecar, token, secrets };
  });

  afterAll(async () => {
    if (started === undefined) return;
    try {
      if (started.token !== "") hostile.expectAliveAndQuiet();
    } finally {
      started.sidecar.kill();
      await started.sts.close();
    }
  });

  const hostile: HostileSidecar = {
    get sts() {
      return get().sts;
    },
    get sidecar() {
      return get().sidecar;
    },
    get port() {
      return get().sidecar.port;
    },
    get token() {
      return get().token;
    },
    get secrets() {
      return get().secrets;
    },
    send: (request, timeoutMs) => rawRequest(get().sidecar.port, request, timeoutMs),
    getRequest: (path, authorization, extra) => getRequest(get().sidecar.port, path, authorization, extra),
    unsafety: (response, authorisedFor) => unsafety(response, authorisedFor, get().token, get().secrets),
    expectAliveAndQuiet(alsoAbsent = []) {
      const { sidecar, secrets } = get();
      expect(sidecar.child.exitCode).toBeNull();
      const output = sidecar.output();
      for (const secret of [...secrets, ...alsoAbsent]) expect(output).not.toContain(secret);
    },
  };
  return hostile;
}

/** Headers the sidecar (or Node) may send; anything else would be injected. */
const KNOWN_RESPONSE_HEADERS = new Set([
  "content-type",
  "content-length",
  "cache-control",
  "date",
  "connection",
  "keep-alive",
  "allow",
  "retry-after",
  "transfer-encoding",
]);

/** What is wrong with a response, whatever its status: an empty list when it is safe. */
function unsafety(
  response: RawResponse,
  authorisedFor: string | undefined,
  token: string,
  secrets: readonly string[],
): string[] {
  const problems: string[] = [];
  if (response.status === 500) problems.push("answered 500");
  for (const name of response.headers.keys())
    if (!KNOWN_RESPONSE_HEADERS.has(name)) problems.push(`sent an unexpected header ${name}`);
  if (response.raw.includes(token)) problems.push("echoed the token");
  if (authorisedFor === undefined && secrets.some((secret) => response.raw.includes(secret)))
    problems.push("carried credential material");
  if (response.status !== undefined && response.status >= 400 && response.body !== "") {
    let keys = "";
    try {
      keys = Object.keys(JSON.parse(response.body) as object)
        .sort()
        .join(",");
    } catch {
      keys = "not JSON";
    }
    if (keys !== "Code,Message") problems.push(`error body is not {Code, Message} but ${keys}`);
  }
  return problems;
}
