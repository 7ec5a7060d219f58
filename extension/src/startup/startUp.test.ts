/**
 * The start-up sequence with a throw injected into each of its named steps in turn: whichever step
 * fails, the runtime files are removed, `init/error` is reported (with the step's name) and the process
 * exits 1, and no later step runs. The real steps run (port, files, config, roles, fastify), against
 * a stand-in Extensions API and an STS endpoint that refuses connections.
 */
import { EventEmitter } from "node:events";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ExtensionEvent, ExtensionsApi, Registration } from "../lambda/extensionsApi.js";
import { createLogger } from "../platform/log.js";
import type { StartUpContext } from "./context.js";
import { planEarly } from "./earlyPlan.js";
import { handleExits } from "./exits.js";
import { startUp } from "./startUp.js";
import { stepRunner } from "./stepFailures.js";

// Counts the simple YAML reader's reads of a config file, the reader itself unchanged.
let simpleYamlReads = 0;
vi.mock("../config/simpleYaml.js", async (original) => {
  const actual = await original<typeof import("../config/simpleYaml.js")>();
  return {
    ...actual,
    readSimpleYaml: (bytes: Uint8Array) => {
      simpleYamlReads += 1;
      return actual.readSimpleYaml(bytes);
    },
  };
});

interface Reported {
  readonly kind: "init" | "exit";
  readonly errorType: string;
  readonly message: string;
}

/** An Extensions API that registers, answers SHUTDOWN to the first `next`, and records errors. */
function standInApi(reported: Reported[]): ExtensionsApi {
  let registered = false;
  const api = {
    get registered() {
      return registered;
    },
    // Sent before `register`; its answer is read by register().
    sendRegister: () => {},
    register: async (): Promise<Registration> => {
      registered = true;
      return { functionName: "fn", events: ["INVOKE", "SHUTDOWN"] };
    },
    next: async (): Promise<ExtensionEvent> => ({
      eventType: "SHUTDOWN",
      deadlineMs: Date.now() + 2000,
      shutdownReason: "spindown",
    }),
    initError: async (errorType: string, message: string) =>
      void reported.push({ kind: "init", errorType, message }),
    exitError: async (errorType: string, message: string) =>
      void reported.push({ kind: "exit", errorType, message }),
  };
  return api as unknown as ExtensionsApi;
}

/** A port nothing listens on: bound, then closed (only this test's STS client ever connects to it). */
async function refusingPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Run {
  readonly steps: string[];
  readonly reported: Reported[];
  readonly exitCode: number;
  readonly filesLeft: string[];
  readonly filesSeen: boolean;
}

const scratch: string[] = [];
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function runStartUp(
  failAt: string | undefined,
  stsPort: number,
  extraEnv: NodeJS.ProcessEnv = {},
  onStep: (name: string, runtimeDir: string) => void = () => {},
): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), "startup-steps-"));
  scratch.push(dir);
  const runtimeDir = join(dir, "run");
  const env: NodeJS.ProcessEnv = {
    AWS_LAMBDA_RUNTIME_API: "127.0.0.1:9",
    AWS_REGION: "eu-west-1",
    AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
    AWS_SECRET_ACCESS_KEY: "secret-example",
    AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${stsPort}`,
    AWS_CONFIG_FILE: "/nonexistent",
    CREDENTIALS_SIDECAR_ROLE_ARN: "arn:aws:iam::123456789012:role/reader",
    CREDENTIALS_SIDECAR_PORT: "0",
    CREDENTIALS_SIDECAR_RUNTIME_DIR: runtimeDir,
    CREDENTIALS_SIDECAR_LOG_LEVEL: "error",
    ...extraEnv,
  };
  const early = planEarly(env, () => "a-generated-token-0123456789abcdef");
  if (!early.settings.ok) throw new Error("the test's settings are refused");
  const reported: Reported[] = [];
  const api = standInApi(reported);
  const log = createLogger("error", () => undefined);
  let exitCode = -1;
  let exited!: () => void;
  const exitedPromise = new Promise<void>((resolve) => {
    exited = resolve;
  });
  const exits = handleExits({
    log,
    api,
    exit: (code) => {
      exitCode = code;
      exited();
    },
    processEvents: new EventEmitter() as unknown as NodeJS.Process,
  });
  const steps: string[] = [];
  let filesSeen = false;
  const context: StartUpContext = {
    env,
    settings: early.settings.settings,
    token: early.settings.token,
    instanceId: "c0ffee",
    log,
    api,
    exits,
    step: stepRunner(exits.fail, (name) => {
      steps.push(name);
      onStep(name, runtimeDir);
      filesSeen ||= existsSync(join(runtimeDir, "token"));
      if (name === failAt) throw new Error(`injected failure in ${name}`);
    }),
    loadRest: () => import("./afterRegister.js"),
  };
  void startUp(context);
  await exitedPromise;
  const filesLeft = existsSync(runtimeDir) ? readdirSync(runtimeDir) : [];
  return { steps, reported, exitCode, filesLeft, filesSeen };
}

/** From the config's check to the port served, in every start-up that gets there. */
const SERVING_STEPS = [
  "check the default role",
  "load the STS client",
  "load the HTTP server",
  "build the HTTP server",
  "hand the port over",
];

describe("start-up: a throw in any step", () => {
  it("runs the whole sequence and stops at SHUTDOWN with exit 0 when nothing fails (control)", async () => {
    const run = await runStartUp(undefined, await refusingPort());

    expect(run.exitCode).toBe(0);
    expect(run.reported).toEqual([]);
    expect(run.filesSeen).toBe(true);
    expect(run.filesLeft).toEqual([]);
    expect(run.steps).toEqual([
      "find the config",
      "bind the credentials port",
      "write the runtime files",
      "load the start-up chunk",
      "load the config",
      ...SERVING_STEPS,
      // No wrapper to report the log stream: nothing needs the answer before the port is served.
      "register",
    ]);
  }, 20_000);

  // A default role the pre-scan cannot read (a flow mapping): the config is loaded before `register`,
  // and with it the rest of start-up, which is then not loaded (run) a second time.
  it("loads the rest of start-up once when the config is loaded before register", async () => {
    const dir = mkdtempSync(join(tmpdir(), "startup-flow-"));
    scratch.push(dir);
    const config = join(dir, "config.yaml");
    writeFileSync(config, 'roles: { reader: { RoleArn: "arn:aws:iam::123456789012:role/reader" } }\n');
    const run = await runStartUp(undefined, await refusingPort(), { CREDENTIALS_SIDECAR_CONFIG: config });

    expect(run.exitCode).toBe(0);
    expect(run.steps).toEqual([
      "find the config",
      "load the start-up chunk",
      "load the config",
      "bind the credentials port",
      "write the runtime files",
      ...SERVING_STEPS,
      "register",
    ]);
  }, 20_000);

  // Comments with apostrophes leave the pre-scan undecided; the simple reader reads the file instead,
  // so nothing of the config's loading comes before `register`.
  it("registers before loading the rest of start-up with an example config", async () => {
    const config = join(import.meta.dirname, "..", "..", "..", "examples", "config", "multi-role.yaml");
    simpleYamlReads = 0;
    const run = await runStartUp(undefined, await refusingPort(), { CREDENTIALS_SIDECAR_CONFIG: config });

    expect(run.steps.slice(0, 4)).toEqual([
      "find the config",
      "bind the credentials port",
      "write the runtime files",
      "load the start-up chunk",
    ]);
    // Read once, before `register`; after it, what was read then is validated.
    expect(simpleYamlReads).toBe(1);
  }, 20_000);

  // The wrapper reports the log stream from the runtime, which Lambda starts once it has answered
  // `register`: while the report is not there, the answer is read first, then the report waited for.
  it.each([
    ["not reported yet: before the first AssumeRole", false, 6],
    ["already reported: once the port is served", true, 10],
  ])(
    "with the wrapper, its log stream %s, the register answer is read %s",
    async (_, reported, at) => {
      const run = await runStartUp(
        undefined,
        await refusingPort(),
        { AWS_LAMBDA_EXEC_WRAPPER: "/opt/credentials-sidecar/wrapper" },
        (step, runtimeDir) => {
          // After the runtime files (leftovers of an earlier run are removed with them), as the wrapper.
          if (reported && step === "check the default role")
            writeFileSync(join(runtimeDir, "log-stream-name"), "2026/12/07/[$LATEST]0123abcd\n");
        },
      );

      expect(run.exitCode).toBe(0);
      expect(run.steps.indexOf("register")).toBe(at);
      expect(run.steps).toHaveLength(11);
    },
    20_000,
  );

  it("removes the runtime files, reports init/error naming the step, exits 1 and runs no later step", async () => {
    const stsPort = await refusingPort();
    const all = (await runStartUp(undefined, stsPort)).steps;
    for (const [index, step] of all.entries()) {
      const run = await runStartUp(step, stsPort);

      expect(run.exitCode, step).toBe(1);
      expect(run.reported, step).toEqual([
        { kind: "init", errorType: "Extension.Crashed", message: expect.stringContaining(`"${step}"`) },
      ]);
      expect(run.reported[0]?.message, step).toContain(`injected failure in ${step}`);
      expect(run.filesLeft, step).toEqual([]);
      expect(run.steps, step).toEqual(all.slice(0, index + 1));
    }
  }, 60_000);

  it("fails init through init/error, files removed, when the config is found bad after register", async () => {
    const run = await runStartUp(undefined, await refusingPort(), {
      CREDENTIALS_SIDECAR_DURATION_SECONDS: "99999",
    });

    expect(run.filesSeen).toBe(true); // written before register, from the environment config
    expect(run.exitCode).toBe(1);
    expect(run.reported).toEqual([
      {
        kind: "init",
        errorType: "Extension.ConfigInvalid",
        message: expect.stringContaining("CREDENTIALS_SIDECAR_DURATION_SECONDS"),
      },
    ]);
    expect(run.filesLeft).toEqual([]);
    expect(run.steps.at(-1)).toBe("load the config");
  }, 20_000);
});
