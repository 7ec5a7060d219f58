/**
 * One `credentials-sidecar local` run: the mock Runtime API, the STS stand-in (or real STS) and the
 * extension started, its variables handed out, INVOKE on a timer, SHUTDOWN on a signal, and
 * everything cleaned up whatever happened.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { constants, tmpdir } from "node:os";
import { join } from "node:path";
import type { SidecarConfig } from "../../src/config/types.js";
import { EXTENSION_NAME } from "../../src/lambda/extensionsApi.js";
import { MANAGED_INSTANCES } from "../../src/lambda/managedInstances.js";
import { type MockRuntimeApi, startMockRuntimeApi } from "../mockRuntimeApi/mockRuntimeApi.js";
import { cleanAwsEnv } from "../processKit.mjs";
import { STAND_IN_ACCOUNT, type StsStandIn, startStsStandIn } from "../stsStandIn/stsStandIn.js";
import { createExportFile, type ExportFile } from "./exportFile.js";
import { type CliIo, EXIT } from "./io.js";
import type { LocalOptions } from "./local.js";
import { formatLogLine } from "./logFormat.js";
import { askRoles, formatRoleStatus } from "./roleStatus.js";
import { applyShellEnv, formatShellEnv, type ShellEnv, shellEnv } from "./shellEnv.js";
import { type SidecarProcess, startSidecar } from "./sidecarProcess.js";

const FUNCTION_NAME = "credentials-sidecar-local";

export class LocalSession {
  private readonly workDir = mkdtempSync(join(tmpdir(), "credentials-sidecar-local-"));
  private mock: MockRuntimeApi | undefined;
  private sts: StsStandIn | undefined;
  private sidecar: SidecarProcess | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private exportFile: ExportFile | undefined;

  constructor(
    private readonly options: LocalOptions,
    private readonly io: CliIo,
  ) {}

  async run(bundle: string, config: SidecarConfig): Promise<number> {
    // Before anything starts: an existing path is refused at once, and never touched.
    if (this.options.exportFile !== undefined) this.exportFile = createExportFile(this.options.exportFile);
    // From here on Ctrl-C stops the sidecar cleanly (SHUTDOWN), even while it is still starting.
    const signalled = firstSignal();
    const started = this.start(bundle, config);
    started.catch(() => undefined); // reported below unless a signal came first
    const first = await Promise.race([started, signalled.then((signal) => ({ signal }))]);
    if ("signal" in first) return this.stopOn(first.signal);
    const { env } = first;
    if (this.options.command.length > 0) return this.runCommand(env, signalled);
    this.io.out(formatShellEnv(env));
    const sidecar = this.sidecar;
    if (sidecar === undefined) return EXIT.failed;
    const ended = await Promise.race([
      signalled.then((signal) => ({ signal })),
      sidecar.exited.then((status) => ({ status })),
    ]);
    if ("signal" in ended) return this.stopOn(ended.signal);
    this.io.err(
      `credentials-sidecar local: the extension exited unexpectedly (${ended.status.code ?? ended.status.signal})\n`,
    );
    return EXIT.failed;
  }

  /** Starts everything, waits for the first INVOKE to be handled, prints the status. */
  private async start(bundle: string, config: SidecarConfig): Promise<{ env: ShellEnv }> {
    const { options, io } = this;
    this.mock = await startMockRuntimeApi({
      functionName: FUNCTION_NAME,
      invokeTimeoutMs: 10_000,
      managedInstances: options.managedInstances,
    });
    if (options.sts === "builtin") this.sts = await startStsStandIn();
    const runtimeDir = join(this.workDir, "run");
    const sidecar = startSidecar({
      command: process.execPath,
      args: [bundle],
      env: this.extensionEnv(runtimeDir, this.mock.address),
      runtimeDir,
      mock: this.mock,
      detached: true,
      onLine: (line) => io.err(`[sidecar] ${formatLogLine(line)}\n`),
    });
    this.sidecar = sidecar;
    await sidecar.registered();
    const tenant = options.tenantId === undefined ? {} : { tenantId: options.tenantId };
    // As Lambda, the first invoke only once init is done (the extension waits for its first event):
    // a Telemetry API subscription made during init then hears that invoke's platform.start.
    if (options.tenantId !== undefined) await this.mock.waitForIdle(EXTENSION_NAME, 15_000);
    await sidecar.invoke({}, tenant);
    const token = readFileSync(join(runtimeDir, "token"), "utf8");
    const rolesUrl = readFileSync(join(runtimeDir, "roles-url"), "utf8");
    const answers = await askRoles(rolesUrl, token, [...config.roles.keys()]);
    const env = shellEnv({
      rolesUrl,
      token,
      defaultRole: config.defaultRole,
      region: options.region,
      ...(this.sts ? { stsEndpoint: this.sts.endpoint } : {}),
    });
    io.err(`${this.readyText(sidecar.port(), formatRoleStatus(answers, config.defaultRole))}\n`);
    this.exportFile?.write(formatShellEnv(env));
    // Managed Instances send extensions no INVOKE: the sidecar's timers keep it fresh there.
    if (!options.managedInstances) {
      this.ticker = setInterval(() => {
        sidecar.invoke({}, tenant).catch(() => undefined); // an exit is reported by run()
      }, options.invokeEverySeconds * 1000);
    }
    return { env };
  }

  private stopOn(signal: NodeJS.Signals): Promise<number> {
    this.io.err(`credentials-sidecar local: ${signal}: sending SHUTDOWN to the extension\n`);
    return this.shutdown();
  }

  private async runCommand(env: ShellEnv, signalled: Promise<NodeJS.Signals>): Promise<number> {
    const [command, ...args] = this.options.command;
    const child = spawn(command ?? "", args, { env: applyShellEnv(process.env, env), stdio: "inherit" });
    // Ctrl-C reaches the command too (same process group); SIGTERM or SIGHUP sent to us only is passed on.
    void signalled.then((signal) => {
      if (signal !== "SIGINT") child.kill(signal);
    });
    const code = await new Promise<number>((done) => {
      child.once("error", (error) => {
        this.io.err(`credentials-sidecar: cannot run ${command}: ${error.message}\n`);
        done(127);
      });
      child.once("close", (exitCode, signal) =>
        done(exitCode ?? 128 + (signal === null ? 0 : (constants.signals[signal] ?? 0))),
      );
    });
    const stopped = await this.shutdown();
    return stopped === EXIT.ok ? code : stopped;
  }

  private async shutdown(): Promise<number> {
    if (this.ticker !== undefined) clearInterval(this.ticker);
    if (this.sidecar === undefined) return EXIT.ok;
    const exit = await this.sidecar.shutdown();
    this.io.err(
      `credentials-sidecar local: extension exited ${exit.code ?? exit.signal} in ${exit.afterMs} ms\n`,
    );
    return exit.code === 0 ? EXIT.ok : EXIT.failed;
  }

  async cleanUp(): Promise<void> {
    if (this.ticker !== undefined) clearInterval(this.ticker);
    await this.sidecar?.kill();
    await this.mock?.close();
    await this.sts?.close();
    this.exportFile?.remove();
    rmSync(this.workDir, { recursive: true, force: true });
  }

  private extensionEnv(runtimeDir: string, runtimeApi: string): NodeJS.ProcessEnv {
    const { options } = this;
    const base: NodeJS.ProcessEnv = {};
    if (this.sts !== undefined) {
      // Only the stand-in's keys: nothing from this shell (keys, profiles, SSO) may take part.
      Object.assign(
        base,
        cleanAwsEnv({
          CREDENTIALS_SIDECAR_LOG_LEVEL: process.env.CREDENTIALS_SIDECAR_LOG_LEVEL,
          AWS_ACCESS_KEY_ID: this.sts.base.accessKeyId,
          AWS_SECRET_ACCESS_KEY: this.sts.base.secretAccessKey,
          AWS_ENDPOINT_URL_STS: this.sts.endpoint,
        }),
      );
    } else {
      // Your own identity is the base, as the execution role is in Lambda.
      for (const [name, value] of Object.entries(process.env)) {
        const ours = name.startsWith("CREDENTIALS_SIDECAR_") && name !== "CREDENTIALS_SIDECAR_LOG_LEVEL";
        if (!ours && !name.startsWith("AWS_LAMBDA_")) base[name] = value;
      }
    }
    return {
      ...base,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      ...(options.region !== undefined ? { AWS_REGION: options.region } : {}),
      AWS_LAMBDA_RUNTIME_API: runtimeApi,
      AWS_LAMBDA_FUNCTION_NAME: FUNCTION_NAME,
      CREDENTIALS_SIDECAR_CONFIG: options.config,
      CREDENTIALS_SIDECAR_PORT: String(options.port),
      CREDENTIALS_SIDECAR_RUNTIME_DIR: runtimeDir,
      ...(options.managedInstances ? { AWS_LAMBDA_INITIALIZATION_TYPE: MANAGED_INSTANCES } : {}),
    };
  }

  private readyText(port: number, roles: string): string {
    const { options } = this;
    const sts = this.sts
      ? `built-in STS stand-in at ${this.sts.endpoint} (it lets you assume any role in account ${STAND_IN_ACCOUNT}; its credentials work only for STS calls to it)`
      : `AWS STS${options.region ? ` in ${options.region}` : ""}, with your current credentials as the base identity`;
    const use =
      options.command.length > 0
        ? `running: ${options.command.join(" ")}`
        : options.exportFile !== undefined
          ? `in another shell:  . ${options.exportFile}\nCtrl-C here stops the sidecar.`
          : "the shell lines are on stdout; Ctrl-C stops the sidecar.";
    return `credentials-sidecar local: ready on port ${port}, STS: ${sts}\nroles (* = default):\n${roles}\n${use}`;
  }
}

/**
 * The first SIGINT, SIGTERM or SIGHUP. The handlers stay for the rest of the run, so later signals are
 * ignored instead of killing the CLI halfway through its clean-up.
 */
function firstSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const handler = (signal: NodeJS.Signals) => resolve(signal);
    process.on("SIGINT", handler);
    process.on("SIGTERM", handler);
    // A closed terminal: stop cleanly too, or the export file (with the token) would stay behind.
    process.on("SIGHUP", handler);
  });
}
