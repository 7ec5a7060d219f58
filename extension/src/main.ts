/**
 * The extension's entry: plans start-up from what it reads (startup/plan.ts), then carries the plan
 * out: credentials port (listening before `register`, because the runtime starts as soon as every
 * extension registered) → runtime files → register → roles → HTTP server → event loop.
 */
import type { FastifyInstance } from "fastify";
import { loadConfig } from "./config/loadConfig.js";
import { type EarlyListener, listenEarly } from "./http/earlyListener.js";
import { runEventLoop } from "./lambda/eventLoop.js";
import { ExtensionsApi } from "./lambda/extensionsApi.js";
import { type FailInit, initFailure } from "./lambda/initFailure.js";
import { LOG_STREAM_WAIT_MS, watchLogStreamReport } from "./lambda/logStreamReport.js";
import { flushPeriodically } from "./lambda/managedInstances.js";
import { systemClock } from "./platform/clock.js";
import { createLogger, type Logger } from "./platform/log.js";
import { createEmfMetrics, noMetrics } from "./platform/metrics.js";
import { secureRandomBytes } from "./platform/random.js";
import { keepServingOnUnhandledRejections } from "./platform/unhandledRejections.js";
import { VERSION } from "./platform/version.js";
import { RoleRegistry } from "./roles/roleRegistry.js";
import { SessionNaming } from "./roles/sessionNaming.js";
import { detachFromOwnEndpoint } from "./startup/ownEndpoint.js";
import { type EarlyPlan, planEarly, planStartUp, refusalMessage } from "./startup/plan.js";
import { type RuntimeFiles, writeRuntimeFiles } from "./startup/runtimeFiles.js";
import {
  handOverFailure,
  listenFailure,
  runtimeFilesFailure,
  type StepFailure,
} from "./startup/stepFailures.js";
import { generateToken } from "./startup/token.js";

/** Init has 10 s for every extension and the runtime together; the first AssumeRole gets half. */
const INIT_WAIT_MS = 5000;
/**
 * Managed Instances allow init 130 s (or the function timeout): wait there, retries included, until
 * every role has credentials, so the runtime's many workers find them when traffic comes.
 */
const MANAGED_INIT_WAIT_MS = 60_000;
/** On INVOKE, wait for due refreshes so the sandbox is not frozen with a call half done. */
const INVOKE_WAIT_MS = 3000;
/** Shutdown has 2 s in all, shared with the runtime. */
const SHUTDOWN_BUDGET_MS = 1000;

/** What start-up read from the process, and how it reports a failure. */
interface StartUp {
  readonly env: NodeJS.ProcessEnv;
  readonly early: EarlyPlan;
  readonly log: Logger;
  readonly api: ExtensionsApi | undefined;
  readonly failInit: FailInit;
}

/** Runs the extension in this process. */
function start(): void {
  const env = process.env;
  const early = planEarly(env);
  const log = createLogger(early.logLevel);
  const api =
    early.runtimeApi === undefined ? undefined : new ExtensionsApi(early.runtimeApi, early.registerFor);
  keepServingOnUnhandledRejections(log);
  const failInit = initFailure(log, api);
  main({ env, early, log, api, failInit }).catch((error: unknown) =>
    failInit("Extension.Crashed", (error as Error).stack ?? String(error)),
  );
}

async function main({ env, early, log, api, failInit }: StartUp): Promise<void> {
  const fail = (failure: StepFailure) => failInit(failure.errorType, failure.message);
  if (!early.settings.ok) return failInit("Extension.ConfigInvalid", refusalMessage(early.settings));
  const instanceId = secureRandomBytes(8).toString("hex");
  // First line: it lands in the function's log stream and ties CloudTrail session names to it.
  log.info("credentials-sidecar starting", {
    event: "start",
    version: VERSION,
    instanceId,
    node: process.version,
  });

  const planned = planStartUp({
    env,
    settings: early.settings.settings,
    loaded: await loadConfig(env),
    instanceId,
    newToken: generateToken,
  });
  for (const warning of planned.warnings) log.warn(warning, { event: "config" });
  if (!planned.ok) return failInit("Extension.ConfigInvalid", refusalMessage(planned));
  const { plan } = planned;
  detachFromOwnEndpoint(env, plan.port);

  const naming = new SessionNaming(plan.sessionNaming);
  const metrics = plan.metrics === "emf" ? createEmfMetrics() : noMetrics;
  const roles = new RoleRegistry({
    config: plan.config,
    metrics,
    generatedSessionName: () => naming.current(),
    clock: systemClock,
    log,
    loadAssume: async () => (await import("./sts/assumerChoice.js")).loadAssumer(plan.stsRegion, env),
  });

  let listener: EarlyListener;
  try {
    listener = await listenEarly(plan.port);
  } catch (error) {
    return fail(listenFailure(error, plan.port));
  }
  const rolesUrl = `http://127.0.0.1:${listener.port}/roles/`;
  let files: RuntimeFiles;
  try {
    files = writeRuntimeFiles(plan.runtimeDir, {
      token: plan.token.value,
      rolesUrl,
      defaultRole: plan.config.defaultRole,
    });
  } catch (error) {
    return fail(runtimeFilesFailure(error, plan.runtimeDir));
  }

  // The port it got (CREDENTIALS_SIDECAR_PORT=0 asks for any free one), once the files tell it too.
  log.info("listening", { event: "listening", port: listener.port });

  // Past this point a failure must not leave the token behind for a wrapper to find.
  const failWithFiles = (failure: StepFailure) => {
    files.remove();
    return fail(failure);
  };

  let app: FastifyInstance | undefined;
  let logStream: ReturnType<typeof watchLogStreamReport> | undefined;
  let stopFlushing: (() => void) | undefined;
  let managedInstances = false;
  let stopping = false;
  const stop = async (why: string, exitCode: number) => {
    if (stopping) return;
    stopping = true;
    log.info("credentials-sidecar stopping", { event: "stop", reason: why });
    roles.stop();
    logStream?.close();
    stopFlushing?.();
    metrics.flush();
    files.remove();
    const forced = setTimeout(() => process.exit(exitCode), SHUTDOWN_BUDGET_MS);
    forced.unref();
    await Promise.all([app?.close().catch(() => undefined), listener.close()]);
    process.exit(exitCode);
  };
  process.once("SIGTERM", () => void stop("SIGTERM", 0));
  process.once("SIGINT", () => void stop("SIGINT", 0));
  // `serve` in a terminal that closes: stop cleanly, token removed, rather than die with it in place.
  process.once("SIGHUP", () => void stop("SIGHUP", 0));

  if (api !== undefined) {
    const registration = await api
      .register()
      .catch((error: Error) =>
        failWithFiles({ errorType: "Extension.RegisterFailed", message: error.message }),
      );
    log.info("registered", {
      event: "registered",
      startupMs: Math.round(performance.now()),
      roles: roles.names().join(","),
      defaultRole: plan.config.defaultRole,
      rolesUrl,
      authSource: plan.token.source,
      functionName: registration.functionName,
      events: registration.events.join(","),
    });
    // Managed Instances: no INVOKE event will come to write the counts (nor to refresh: timers do).
    managedInstances = !registration.events.includes("INVOKE");
    if (managedInstances) stopFlushing = flushPeriodically(metrics, log);
  } else {
    log.info("serving without Lambda (no AWS_LAMBDA_RUNTIME_API): refreshing on timers", {
      event: "standalone",
      rolesUrl,
    });
    stopFlushing = flushPeriodically(metrics, log);
  }

  logStream = watchLogStreamReport(files.directory, (name) => {
    if (!naming.adoptLogStream(name)) return;
    log.info("session names carry the log stream's id", {
      event: "log-stream",
      logStream: name,
      sessionName: naming.current(),
    });
  });
  // The runtime starts right after `register`, through the wrapper, which reports the log stream name
  // within a few milliseconds: the first AssumeRole waits for it a little, so it is named after it too.
  if (plan.waitForLogStream) await logStream.reportedWithin(LOG_STREAM_WAIT_MS);

  // Assume every role now. Loading fastify (node:http and fastify are most of start-up, so only after
  // `register`) waits until the STS client is loaded and the calls are out: it then runs while they
  // are on the network, instead of holding them back.
  const initialAssumptions = roles.refreshDueWithin(INIT_WAIT_MS);
  await roles.assumerLoaded();
  const { buildServer } = await import("./http/server.js");
  app = buildServer({ token: plan.token.value, roles, log, metrics });
  await app.ready();
  try {
    await listener.handOver(app.server);
  } catch (error) {
    return failWithFiles(handOverFailure(error, listener.port));
  }

  await initialAssumptions;
  // Without its own credentials the sidecar can assume no role, ever: refuse init, where it shows.
  const noBase = roles.baseCredentialsMissing();
  if (noBase !== undefined)
    return failWithFiles({ errorType: "Extension.NoBaseCredentials", message: noBase });
  if (managedInstances) await roles.untilSettled(MANAGED_INIT_WAIT_MS);
  if (api === undefined) return;

  const end = await runEventLoop(
    api,
    async (event) => {
      metrics.flush();
      await roles.refreshDueWithin(
        Math.max(0, Math.min(INVOKE_WAIT_MS, event.deadlineMs - Date.now() - 100)),
      );
    },
    log,
  );
  await stop(
    end.reason === "shutdown" ? `SHUTDOWN (${end.shutdownReason})` : "Runtime API error",
    end.reason === "shutdown" ? 0 : 1,
  );
}

start();
