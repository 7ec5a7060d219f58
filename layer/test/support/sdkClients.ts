/**
 * Which AWS SDK clients are on this machine, each as a command that prints the identity its default
 * credential chain resolves to (one JSON line with `Arn`). A client that is missing says why, so a
 * test can skip it with that reason. Versions that matter (old ones read fewer variables):
 *   boto3 and AWS CLI v1 of this machine's python3 (pyenv), botocore 1.29 and AWS CLI v2 from Debian
 *   (python3-boto3, awscli: /usr/bin/python3, /usr/bin/aws), JS SDK v3 (node_modules), Go SDK v2 from
 *   Debian's sources (golang-go, golang-github-aws-aws-sdk-go-v2-dev), built here in GOPATH mode.
 * Clients old enough to ignore AWS_ENDPOINT_URL get the endpoint from AWS_ENDPOINT_URL_STS explicitly.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { goBuild, goMissing } from "../../../examples/support/go.js";

export interface SdkClient {
  name: string;
  /** the command to run; empty when missing */
  command: string[];
  /** why this client cannot run here, or undefined */
  missing?: string;
  /** when the client needs the STS endpoint on its command line (AWS CLI) */
  endpointArgs?: (endpoint: string) => string[];
  /** builds what the command needs (the Go binary) */
  prepare?: () => Promise<void>;
  /** a folder to remove afterwards */
  cleanup?: string;
}

const script = (name: string) => fileURLToPath(new URL(`./clients/${name}`, import.meta.url));

function versionOf(command: string[], pattern: RegExp): string | undefined {
  const [program, ...args] = command;
  if (program === undefined) return undefined;
  const result = spawnSync(program, args, { encoding: "utf8", timeout: 30_000 });
  if (result.status !== 0) return undefined;
  return pattern.exec(`${result.stdout}${result.stderr}`)?.[1];
}

const cliEndpoint = (endpoint: string) => ["--endpoint-url", endpoint, "--output", "json"];

function pythonClients(): SdkClient[] {
  const pyenv = versionOf(["python3", "-c", "import botocore; print(botocore.__version__)"], /^(\S+)/);
  const debian = versionOf(
    ["/usr/bin/python3", "-c", "import botocore; print(botocore.__version__)"],
    /^(\S+)/,
  );
  const cliV1 = versionOf(["python3", "-m", "awscli", "--version"], /aws-cli\/(1\.\S+)/);
  const cliV2 = versionOf(["/usr/bin/aws", "--version"], /aws-cli\/(2\.\S+)/);
  return [
    pyenv === undefined
      ? { name: "boto3", command: [], missing: "python3 cannot import botocore (pip install boto3)" }
      : { name: `boto3 (botocore ${pyenv})`, command: ["python3", script("identity.py")] },
    debian === undefined
      ? {
          name: "boto3 from Debian",
          command: [],
          missing: "/usr/bin/python3 cannot import botocore (apt-get install python3-boto3)",
        }
      : { name: `boto3 (Debian, botocore ${debian})`, command: ["/usr/bin/python3", script("identity.py")] },
    cliV1 === undefined
      ? {
          name: "AWS CLI v1",
          command: [],
          missing: "python3 -m awscli is not AWS CLI v1 (pip install awscli)",
        }
      : {
          name: `AWS CLI ${cliV1}`,
          command: ["python3", "-m", "awscli", "sts", "get-caller-identity"],
          endpointArgs: cliEndpoint,
        },
    cliV2 === undefined
      ? {
          name: "AWS CLI v2",
          command: [],
          missing: "/usr/bin/aws is not AWS CLI v2 (apt-get install awscli)",
        }
      : {
          name: `AWS CLI ${cliV2} (Debian)`,
          command: ["/usr/bin/aws", "sts", "get-caller-identity"],
          endpointArgs: cliEndpoint,
        },
  ];
}

/** identity.go built against Debian's aws-sdk-go-v2 sources (no module download) by prepare(). */
function goClient(): SdkClient {
  const missing = goMissing();
  if (missing !== undefined) return { name: "Go SDK v2", command: [], missing };
  const gopath = mkdtempSync(join(tmpdir(), "sdk-clients-go-"));
  const binary = join(gopath, "identity");
  const prepare = (): Promise<void> => {
    const app = join(gopath, "src", "identity");
    mkdirSync(app, { recursive: true });
    copyFileSync(script("identity.go"), join(app, "main.go"));
    // With the toolchain and sources here, a failed build is a failure, not a reason to skip.
    return goBuild(gopath, app, binary).then((build) => {
      if (build.code !== 0)
        throw new Error(`go build of identity.go failed (exit ${build.code}):\n${build.output}`);
    });
  };
  return { name: "Go SDK v2 (Debian)", command: [binary], prepare, cleanup: gopath };
}

/**
 * Every client, present or not (found synchronously, so tests can be named after them). Call
 * prepareClients() before running them: the Go client is compiled then (~1 min the first time).
 */
export function listSdkClients(): SdkClient[] {
  return [
    ...pythonClients(),
    { name: "JS SDK v3", command: [process.execPath, script("identity.mjs")] },
    goClient(),
  ];
}

export async function prepareClients(clients: readonly SdkClient[]): Promise<void> {
  await Promise.all(clients.map((client) => client.prepare?.()));
}

export function cleanupClients(clients: readonly SdkClient[]): void {
  for (const client of clients) {
    if (client.cleanup !== undefined) rmSync(client.cleanup, { recursive: true, force: true });
  }
}

/** The full command line of a client against an STS endpoint. */
export function clientCommand(client: SdkClient, stsEndpoint: string): string[] {
  return [...client.command, ...(client.endpointArgs?.(stsEndpoint) ?? [])];
}
