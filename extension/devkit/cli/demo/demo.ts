/**
 * `credentials-sidecar demo`: the built layer end to end on this machine, no AWS account. The layer
 * is unzipped like /opt; the mock Runtime API plays Lambda; the extension starts from the layer's
 * launcher; a function runs through the layer's exec wrapper and is invoked three times.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { EXTENSION_NAME } from "../../../src/lambda/extensionsApi.js";
import { type MockRuntimeApi, startMockRuntimeApi } from "../../mockRuntimeApi/mockRuntimeApi.js";
import { type KitProcess, startProcess } from "../../processKit.mjs";
import { MANAGED_INSTANCES_OPTION, parseChoice, parseCommandArgs } from "../args.js";
import { CliError, type CliIo, EXIT, UsageError } from "../io.js";
import { formatLogLine } from "../logFormat.js";
import { type SidecarProcess, startSidecar } from "../sidecarProcess.js";
import type { DemoResult } from "./functions.js";
import { chooseLayerZip, unpackLayer } from "./layer.js";
import { checkResult, formatInvocation, heading, indentLines, row } from "./report.js";
import { builtinStage, FUNCTION_NAME, functionEnv, motoStage, type Stage } from "./stages.js";
import { tenantDemo } from "./tenantDemo.js";

export const DEMO_HELP = `Usage: credentials-sidecar demo [--sts builtin|moto] [--managed-instances] [--tenants]

Runs the layer as Lambda would, on this machine and without an AWS account: on Linux the zip with
this architecture's node (the @credentials-sidecar/layer-<arch> package, or dist/ after \`make
layer\` in a clone), else the node-less layer-nodejs.zip with this node. The extension starts from
the layer, a sample function runs through the layer's exec wrapper and is invoked 3 times. Each
invocation shows the execution role, the role the SDK's default chain got from the sidecar (no
credential code in the function), an allowed and a denied call, and the sidecar's log lines. Takes a
few seconds.

Options:
  --sts builtin   (default) the built-in STS stand-in; a Node.js function (AWS SDK for JavaScript v3)
                  reads role audit by name and is denied AssumeRole on role admin
  --sts moto      moto_server with IAM enforced (needs moto_server and boto3); a Python function
                  (boto3) may read a DynamoDB item and is denied an S3 object
  --managed-instances
                  as on Lambda Managed Instances: the mock Runtime API refuses INVOKE registration
                  and sends extensions no INVOKE; the sidecar registers for SHUTDOWN only
  --tenants       Lambda tenant isolation mode: two environments invoked for tenants blue and green,
                  a config with \${tenantId} in session names and tags; shows each environment's
                  identity and the tags of every AssumeRole its STS received (built-in STS)
  -h, --help      this help

Exit codes: 0 the demo behaved as shown, 1 something did not (the reason is printed), 2 usage error.
`;

const INVOCATIONS = 3;

type Mode = "builtin" | "moto";

export async function demoCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    sts: { type: "string" },
    tenants: { type: "boolean" },
    ...MANAGED_INSTANCES_OPTION,
  });
  if (values.help) {
    io.out(DEMO_HELP);
    return EXIT.ok;
  }
  if (positionals.length > 0)
    throw new UsageError(`demo takes no arguments, got ${JSON.stringify(positionals[0])}`);
  const mode = parseChoice(values.sts, "--sts", ["builtin", "moto"] as const, "builtin");
  if (values.tenants === true) {
    if (mode !== "builtin" || values["managed-instances"] === true)
      throw new UsageError(
        "--tenants runs with the built-in STS, on demand: not with --sts moto or --managed-instances",
      );
    return tenantDemo(io);
  }
  const demo = new Demo(mode, values["managed-instances"] === true, io);
  try {
    return await demo.run();
  } finally {
    await demo.cleanUp();
  }
}

class Demo {
  private readonly startedAt = performance.now();
  private readonly workDir = mkdtempSync(join(tmpdir(), "credentials-sidecar-demo-"));
  private mock: MockRuntimeApi | undefined;
  private stage: Stage | undefined;
  private sidecar: SidecarProcess | undefined;
  private runtime: KitProcess | undefined;
  /** Extension output not shown yet: each block prints what arrived since the previous one. */
  private pendingLines: string[] = [];

  constructor(
    private readonly mode: Mode,
    private readonly managedInstances: boolean,
    private readonly io: CliIo,
  ) {}

  async run(): Promise<number> {
    const { io } = this;
    const layerDir = join(this.workDir, "opt");
    const taskDir = join(this.workDir, "task");
    mkdirSync(taskDir, { recursive: true });
    const choice = chooseLayerZip(process.platform, process.arch);
    const layer = await unpackLayer(choice.zip, layerDir);
    const problems: string[] = [];
    const stage = this.mode === "builtin" ? await builtinStage(taskDir) : await motoStage(taskDir);
    this.stage = stage;
    const configPath = join(taskDir, "credentials-sidecar.yaml");
    writeFileSync(configPath, stage.config);
    const mock = await startMockRuntimeApi({
      functionName: FUNCTION_NAME,
      invokeTimeoutMs: 15_000,
      managedInstances: this.managedInstances,
    });
    this.mock = mock;
    const runtimeDir = join(this.workDir, "run");
    const env = functionEnv({
      home: this.workDir,
      mock,
      stage,
      configPath,
      runtimeDir,
      hostNode: choice.hostNode,
    });

    io.out("credentials-sidecar demo: the Lambda layer on this machine, no AWS account\n");
    io.out(row("layer (unzipped like /opt)", choice.note));
    io.out(row("STS", stage.stsDescription));
    io.out(row("function", `${FUNCTION_NAME}: ${stage.runtime.map((part) => basename(part)).join(" ")}`));
    io.out(row("execution role (its AWS_ACCESS_KEY_ID...)", stage.executionRole));
    io.out(row("environment", this.environmentNote()));
    io.out("  config (CREDENTIALS_SIDECAR_CONFIG):\n");
    io.out(indentLines(stage.config.trimEnd().split("\n")));

    io.out(heading("Init", "extension from /opt/extensions, then the runtime through the exec wrapper"));
    const sidecar = startSidecar({
      command: layer.launcher,
      args: [],
      env,
      runtimeDir,
      mock: this.mock,
      onLine: (line) => this.pendingLines.push(line),
    });
    this.sidecar = sidecar;
    await sidecar.registered();
    const port = sidecar.port();
    const registered = await this.mock.waitForRegistered(EXTENSION_NAME);
    if (this.managedInstances && registered.events.includes("INVOKE"))
      problems.push("the extension registered for INVOKE on Managed Instances");
    this.runtime = this.startRuntime(layer.wrapper, stage.runtime, env, taskDir);
    await Promise.race([this.mock.waitForRuntime(15_000), this.runtimeExit()]);
    io.out(this.takeLines());
    io.out(row("sidecar port", `${port} (CREDENTIALS_SIDECAR_PORT=0 here: any free one; 9770 by default)`));
    const runtimeCommand = stage.runtime.map((part) => basename(part)).join(" ");
    io.out(
      row("runtime started", `AWS_LAMBDA_EXEC_WRAPPER=/opt/credentials-sidecar/wrapper ${runtimeCommand}`),
    );

    let first: DemoResult | undefined;
    for (let number = 1; number <= INVOCATIONS; number++) {
      const started = performance.now();
      const { requestId, runtimeResponse } = await sidecar.invoke(stage.payload);
      if (runtimeResponse === undefined) throw new CliError("the function's runtime is not connected");
      const result = (await Promise.race([runtimeResponse, this.runtimeExit()])) as DemoResult;
      const durationMs = Math.round(performance.now() - started);
      problems.push(
        ...checkResult(result, { executionRole: stage.executionRole, defaultRoleName: "demo-app" }),
      );
      io.out(
        formatInvocation(
          {
            number,
            total: INVOCATIONS,
            requestId,
            durationMs,
            result,
            sidecarLines: this.takeLineList(),
            ...(stage.sessionsIssued ? { stsSessionsIssued: stage.sessionsIssued() } : {}),
          },
          first,
        ),
      );
      first ??= result;
    }

    io.out(heading("Shutdown", "SHUTDOWN event, as when Lambda retires the sandbox"));
    await this.runtime?.stop({ graceMs: 2000 });
    const exit = await sidecar.shutdown();
    io.out(this.takeLines());
    io.out(`  extension exited ${exit.code ?? exit.signal} in ${exit.afterMs} ms\n`);
    if (exit.code !== 0) problems.push(`the extension exited ${exit.code ?? exit.signal} on SHUTDOWN`);

    const seconds = ((performance.now() - this.startedAt) / 1000).toFixed(1);
    if (problems.length > 0) {
      io.err(`\ncredentials-sidecar demo FAILED:\n${indentLines([...new Set(problems)], "  - ")}`);
      return EXIT.failed;
    }
    io.out(
      `\nDemo passed in ${seconds} s: ${INVOCATIONS} invocations as role demo-app, no credential code in the function.\n`,
    );
    io.out(
      "Next: `npx credentials-sidecar local --config your.yaml` runs the sidecar for your own code (see --help).\n",
    );
    return EXIT.ok;
  }

  private startRuntime(wrapper: string, command: readonly string[], env: NodeJS.ProcessEnv, taskDir: string) {
    return startProcess({
      command: wrapper,
      args: command,
      cwd: taskDir,
      env: { ...env, LAMBDA_TASK_ROOT: taskDir },
      name: "the function's runtime",
      maxOutputChars: 0,
      onLine: (line) => this.io.out(`  [function] ${line}\n`),
    });
  }

  /** Rejects when the function's runtime process ends (it never should during the demo). */
  private runtimeExit(): Promise<never> {
    const runtime = this.runtime;
    return new Promise((_, reject) => {
      if (runtime === undefined) return;
      void runtime.exited.then((status) =>
        reject(new CliError(`the function's runtime exited (${status.code ?? status.signal})`)),
      );
    });
  }

  private environmentNote(): string {
    return this.managedInstances
      ? "Lambda Managed Instances (AWS_LAMBDA_INITIALIZATION_TYPE=lambda-managed-instances): INVOKE registration refused, never frozen, the sidecar refreshes on timers"
      : "on-demand (AWS_LAMBDA_INITIALIZATION_TYPE=on-demand): INVOKE and SHUTDOWN events";
  }

  private takeLineList(): string[] {
    const lines = this.pendingLines;
    this.pendingLines = [];
    return lines;
  }

  private takeLines(): string {
    return indentLines(
      this.takeLineList().map((line) => `[sidecar] ${formatLogLine(line)}`),
      "  ",
    );
  }

  async cleanUp(): Promise<void> {
    // After a failure, whatever the extension said last is the best clue.
    if (this.pendingLines.length > 0) this.io.err(this.takeLines());
    await this.runtime?.stop({ graceMs: 2000 });
    await this.sidecar?.kill();
    await this.mock?.close();
    await this.stage?.stop();
    rmSync(this.workDir, { recursive: true, force: true });
  }
}
