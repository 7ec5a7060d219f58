/**
 * The extension's entry: wires config → credentials server (listening before `register`, because
 * the runtime starts as soon as every extension registered) → register → roles → event loop.
 */
import type { FastifyInstance } from "fastify";
import { formatProblems, loadConfig } from "./config/loadConfig.js";
import { listenEarly } from "./http/earlyListener.js";
import { runEventLoop } from "./lambda/eventLoop.js";
import { ExtensionsApi } from "./lambda/extensionsApi.js";
import { type FailInit, initFailure } from "./lambda/initFailure.js";
import { LOG_STREAM_WAIT_MS, reportsLogStream, watchLogStreamReport } from "./lambda/logStreamReport.js";
import { eventsToRegister, flushPeriodically, isManagedInstances } from "./lambda/managedInstances.js";
import { systemClock } from "./platform/clock.js";
import { createLogger, type Logger } from "./platform/log.js";
import { createEmfMetrics, noMetrics } from "./platform/metrics.js";
import { secureRandomBytes } from "./platform/random.js";
import { keepServingOnUnhandledRejections } from "./platform/unhandledRejections.js";
import { VERSION } from "./platform/version.js";
import { RoleRegistry } from "./roles/roleRegistry.js";
import { SessionNaming } from "./roles/sessionNaming.js";
import { ENV, readEnv } from "./startup/env.js";
import { detachFromOwnEndpoint, isSidecarUrl } from "./startup/ownEndpoint.js";
import { writeRuntimeFiles } from "./startup/runtimeFiles.js";
import { readSettings } from "./startup/settings.js";
import { chooseToken } from "./startup/token.js";

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

/** What start-up reads from the process, and how it reports a failure. */
interface StartUp {
  readonly env: NodeJS.ProcessEnv;
  readonly settingsResult: ReturnType<typeof readSettings>;
  readonly log: Logger;
  readonly api: ExtensionsApi | undefined;
  readonly failInit: FailInit;
}

/** Runs the extension in this process. */
function start(): void {
  const env = process.env;
  const settingsResult = readSettings(env);
  const log = createLogger(settingsResult.ok ? settingsResult.settings.logLevel : "info");
  const runtimeApi = readEnv(env, ENV.runtimeApi);
  const api =
    runtimeApi === undefined
      ? undefined
      : new ExtensionsApi(runtimeApi, eventsToRegister(isManagedInstances(env)));
  keepServingOnUnhandledRejections(log);
  const failInit = initFailure(log, api);
  main({ env, settingsResult, log, api, failInit }).catch((error: unknown) =>
    failInit("Extension.Crashed", (error as Error).stack ?? String(error)),
  );
}

async function main({ env, settingsResult, log, api, failInit }: StartUp): Promise<void> {
  if (!settingsResult.ok) return failInit("Extension.ConfigInvalid", settingsResult.problems.join("; "));
  const settings = settingsResult.settings;
  const instanceId = secureRandomBytes(8).toString("hex");
  // First line: it lands in the function's log stream and ties CloudTrail session names to it.
  log.info("credentials-sidecar starting", {
    event: "start",
    version: VERSION,
    instanceId,
    node: process.version,
  });

  const loaded = await loadConfig(env);
  if (!loaded.ok) return failInit("Extension.ConfigInvalid", formatProblems(loaded.source, loaded.problems));
  for (const note of loaded.notes) log.warn(note, { event: "config" });
  const config = loaded.config;
  const regionless = [...config.roles.values()]
    .filter((role) => role.region === undefined)
    .map((role) => role.name);
  if (settings.region === undefined && regionless.length > 0) {
    return failInit(
      "Extension.ConfigInvalid",
      `no region for roles ${regionless.join(", ")}: set AWS_REGION or roles.<name>.region`,
    );
  }

  const token = chooseToken(env, isSidecarUrl(readEnv(env, ENV.containerCredentialsFullUri), settings.port));
  if (!token.ok) return failInit("Extension.ConfigInvalid", token.problem);
  detachFromOwnEndpoint(env, settings.port);

  const naming = new SessionNaming({
    functionName: settings.functionName ?? "credentials-sidecar",
    ...(settings.functionVersion !== undefined ? { functionVersion: settings.functionVersion } : {}),
    instanceId,
  });
  const metrics = settings.metrics === "emf" ? createEmfMetrics() : noMetrics;
  const roles = new RoleRegistry({
    config,
    metrics,
    generatedSessionName: () => naming.current(),
    clock: systemClock,
    log,
    loadAssume: async () => (await import("./roles/assumerChoice.js")).loadAssumer(settings.region, env),
  });

  let listener: Awaited<ReturnType<typeof listenEarly>>;
  try {
    listener = await listenEarly(settings.port);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "EADDRINUSE"
        ? `port ${settings.port} on 127.0.0.1 is already in use; set ${ENV.port} to a free port`
        : (error as Error).message;
    return failInit(code === "EADDRINUSE" ? "Extension.PortInUse" : "Extension.ListenFailed", reason);
  }
  const rolesUrl = `http://127.0.0.1:${listener.port}/roles/`;
  let files: ReturnType<typeof writeRuntimeFiles>;
  try {
    files = writeRuntimeFiles(settings.runtimeDir, {
      token: token.token,
      rolesUrl,
      defaultRole: config.defaultRole,
    });
  } catch (error) {
    return failInit(
      "Extension.RuntimeDirFailed",
      `cannot write ${settings.runtimeDir}: ${(error as Error).message}`,
    );
  }

  // The port it got (CREDENTIALS_SIDECAR_PORT=0 asks for any free one), once the files tell it too.
  log.info("listening", { event: "listening", port: listener.port });

  // Past this point a failure must not leave the token behind for a wrapper to find.
  const failWithFiles = (errorType: string, message: string) => {
    files.remove();
    return failInit(errorType, message);
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
      .catch((error: Error) => failWithFiles("Extension.RegisterFailed", error.message));
    log.info("registered", {
      event: "registered",
      startupMs: Math.round(performance.now()),
      roles: roles.names().join(","),
      defaultRole: config.defaultRole,
      rolesUrl,
      authSource: token.adopted ? ENV.containerAuthorizationToken : "generated",
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
  if (api !== undefined && reportsLogStream(env)) await logStream.reportedWithin(LOG_STREAM_WAIT_MS);

  // Assume every role now. Loading fastify (node:http and fastify are most of start-up, so only after
  // `register`) waits until the STS client is loaded and the calls are out: it then runs while they
  // are on the network, instead of holding them back.
  const initialAssumptions = roles.refreshDueWithin(INIT_WAIT_MS);
  await roles.assumerLoaded();
  const { buildServer } = await import("./http/server.js");
  app = buildServer({ token: token.token, roles, log, metrics });
  await app.ready();
  try {
    await listener.handOver(app.server);
  } catch (error) {
    return failWithFiles(
      "Extension.ListenFailed",
      `cannot serve on port ${listener.port}: ${(error as Error).message}`,
    );
  }

  await initialAssumptions;
  const noBase = roles
    .names()
    .map((name) => roles.get(name)?.failure())
    .find((failure) => failure?.code === "NoBaseCredentials");
  if (noBase !== undefined) return failWithFiles("Extension.NoBaseCredentials", noBase.message);
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
