/**
 * `credentials-sidecar local`: the extension on a laptop, driven by the mock Runtime API like in
 * Lambda, its variables handed to a shell (stdout, --export-file) or to a command (`-- COMMAND`).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { constants, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { formatProblems, loadConfigFile } from "../../src/config/loadConfig.js";
import type { SidecarConfig } from "../../src/config/types.js";
import { MANAGED_INSTANCES } from "../../src/lambda/managedInstances.js";
import { DEFAULT_PORT } from "../../src/startup/env.js";
import { type MockRuntimeApi, startMockRuntimeApi } from "../mockRuntimeApi/mockRuntimeApi.js";
import { cleanAwsEnv } from "../processKit.mjs";
import { STAND_IN_ACCOUNT, type StsStandIn, startStsStandIn } from "../stsStandIn/stsStandIn.js";
import { MANAGED_INSTANCES_OPTION, parseChoice, parseCommandArgs, parsePort, parseSeconds } from "./args.js";
import { createExportFile, type ExportFile } from "./exportFile.js";
import { type CliIo, EXIT, UsageError } from "./io.js";
import { formatLogLine } from "./logFormat.js";
import { requireBuiltFile } from "./paths.js";
import { askRoles, formatRoleStatus } from "./roleStatus.js";
import { applyShellEnv, formatShellEnv, type ShellEnv, shellEnv } from "./shellEnv.js";
import { type SidecarProcess, startSidecar } from "./sidecarProcess.js";

const FUNCTION_NAME = "credentials-sidecar-local";

export const LOCAL_HELP = `Usage: credentials-sidecar local --config FILE [options] [-- COMMAND [ARGS...]]

Runs the sidecar on this machine as Lambda would (register, INVOKE every --invoke-every seconds,
SHUTDOWN on Ctrl-C) and hands its variables to your shell or to COMMAND.

  Terminal 1:  credentials-sidecar local --config c.yaml --export-file .sidecar.env
  Terminal 2:  . ./.sidecar.env && aws sts get-caller-identity     (or python app.py, node app.mjs, ...)
  One shot:    credentials-sidecar local --config c.yaml -- aws sts get-caller-identity

Once ready it prints the shell lines (export AWS_CONTAINER_CREDENTIALS_FULL_URI=... and the token) on
stdout; everything else goes to stderr. It keeps running until Ctrl-C (or SIGTERM, SIGHUP), so
\`eval "$(credentials-sidecar local ...)"\` would never return: use --export-file or -- COMMAND.

Options:
  --config FILE         the config to serve (required)
  --sts builtin|aws     builtin (default): a local STS stand-in, no AWS account; it lets you assume any
                        role in account ${STAND_IN_ACCOUNT}, and its credentials work only for STS calls
                        to it (AWS_ENDPOINT_URL_STS is exported). aws: real STS, with your current
                        credentials (environment, AWS_PROFILE, SSO...) as the base identity.
  --port N              port of the credentials server on 127.0.0.1 (default ${DEFAULT_PORT}; 0: any
                        free port, shown once ready)
  --region R            STS region (default AWS_REGION, AWS_DEFAULT_REGION; us-east-1 with builtin)
  --export-file PATH    also write the shell lines to PATH, a new file (mode 0600; an existing
                        path is refused), removed on exit
  --invoke-every S      seconds between INVOKE events, which check freshness as in Lambda (default 60)
  --managed-instances   play Lambda Managed Instances: INVOKE registration refused, no INVOKE events,
                        the sidecar refreshes on its own timers (not with --invoke-every)
  -h, --help            this help

With -- COMMAND, the command runs with the variables set and the sidecar stops when it ends.

Exit codes: 0 stopped cleanly, 1 the config is invalid or the sidecar failed, 2 usage error;
with -- COMMAND, the command's exit code.
`;

export interface LocalOptions {
  readonly config: string;
  readonly sts: "builtin" | "aws";
  readonly port: number;
  readonly region: string | undefined;
  readonly exportFile: string | undefined;
  readonly invokeEverySeconds: number;
  readonly managedInstances: boolean;
  readonly command: readonly string[];
}

export function parseLocalArgs(args: readonly string[], env: NodeJS.ProcessEnv): LocalOptions | "help" {
  const { values, positionals } = parseCommandArgs(args, {
    config: { type: "string", short: "c" },
    sts: { type: "string" },
    port: { type: "string" },
    region: { type: "string" },
    "export-file": { type: "string" },
    "invoke-every": { type: "string" },
    ...MANAGED_INSTANCES_OPTION,
  });
  if (values.help) return "help";
  if (values.config === undefined) throw new UsageError("local needs --config FILE");
  // A command must follow `--`, so a stray word is not run by mistake.
  const dashDash = args.indexOf("--");
  if (positionals.length > 0 && (dashDash < 0 || args.indexOf(positionals[0] ?? "") < dashDash)) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}: put a command after --`);
  }
  const sts = parseChoice(values.sts, "--sts", ["builtin", "aws"] as const, "builtin");
  const region = values.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const managedInstances = values["managed-instances"] === true;
  if (managedInstances && values["invoke-every"] !== undefined) {
    throw new UsageError("--invoke-every does nothing with --managed-instances: there are no INVOKE events");
  }
  return {
    config: resolve(values.config),
    sts,
    port: parsePort(values.port, "--port", DEFAULT_PORT, { anyFree: true }),
    region: region ?? (sts === "builtin" ? "us-east-1" : undefined),
    exportFile: values["export-file"] === undefined ? undefined : resolve(values["export-file"]),
    invokeEverySeconds: parseSeconds(values["invoke-every"], "--invoke-every", 60),
    managedInstances,
    command: positionals,
  };
}

export async function localCommand(args: readonly string[], io: CliIo): Promise<number> {
  const options = parseLocalArgs(args, process.env);
  if (options === "help") {
    io.out(LOCAL_HELP);
    return EXIT.ok;
  }
  const loaded = await loadConfigFile(options.config);
  if (!loaded.ok) {
    io.err(`${formatProblems(loaded.source, loaded.problems)}\n`);
    return EXIT.failed;
  }
  const bundle = requireBuiltFile("extension.mjs", "run `make build` (node extension/build.mjs) first");
  if (options.sts === "builtin") {
    for (const warning of foreignRoles(loaded.config)) io.err(`credentials-sidecar local: ${warning}\n`);
  }
  const session = new LocalSession(options, io);
  try {
    return await session.run(bundle, loaded.config);
  } finally {
    await session.cleanUp();
  }
}

/** Roles the stand-in will refuse (it knows only its own account). */
export function foreignRoles(config: SidecarConfig): string[] {
  return [...config.roles.values()]
    .filter((role) => role.parameters.RoleArn.split(":")[4] !== STAND_IN_ACCOUNT)
    .map(
      (role) =>
        `role ${role.name} (${role.parameters.RoleArn}) is not in account ${STAND_IN_ACCOUNT}: the built-in STS stand-in will deny it (use --sts aws for real roles)`,
    );
}

class LocalSession {
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
    await sidecar.invoke();
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
        sidecar.invoke().catch(() => undefined); // an exit is reported by run()
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
