/**
 * Start-up after `register`, overlapping the runtime's own init: a chunk of its own, loaded once the
 * register request is out. The config is loaded and checked against what the wrapper was told, the
 * roles are assumed, fastify takes the credentials port over (requests that came earlier waited,
 * bounded, in the early listener), `register`'s answer is read (earlier where the log stream report
 * waits on it), then the event loop runs until SHUTDOWN. Every failure goes to
 * the one cleanup (exits.ts) through the named steps.
 */
import type { ConfigSource } from "../config/configSource.js";
import { loadConfigFrom } from "../config/loadConfig.js";
import { tenantScopedRoles } from "../config/tenantPlaceholders.js";
import { runEventLoop } from "../lambda/eventLoop.js";
import type { Registration } from "../lambda/extensionsApi.js";
import { LOG_STREAM_WAIT_MS, watchLogStreamReport } from "../lambda/logStreamReport.js";
import { flushPeriodically } from "../lambda/managedInstances.js";
import { takeSeparateBundleUses } from "../platform/cachedScript.js";
import { msSinceStart, systemClock } from "../platform/clock.js";
import type { Logger } from "../platform/log.js";
import { createEmfMetrics, noMetrics } from "../platform/metrics.js";
import { stopPretenuring } from "../platform/pretenuring.js";
import { RoleRegistry } from "../roles/roleRegistry.js";
import { SessionNaming } from "../roles/sessionNaming.js";
import type { AssumeFunction } from "../sts/assumeFunction.js";
import { requestsSent } from "../sts/requestsSent.js";
import type { Registering } from "./beforeRegister.js";
import type { StartUpContext } from "./context.js";
import { defaultRoleMismatch } from "./defaultRoleChoice.js";
import { refusalMessage } from "./earlyPlan.js";
import { detachFromOwnEndpoint } from "./ownEndpoint.js";
import { planStartUp, type StartUpPlan } from "./plan.js";
import { logCodeCache } from "./restBundle.js";
import { handOverFailure, StepFailed } from "./stepFailures.js";

/** Init has 10 s for every extension and the runtime together; the first AssumeRole gets half. */
const INIT_WAIT_MS = 5000;
/**
 * At most this long for the first AssumeRole requests to go out (DNS, TCP and TLS to STS take a few
 * to a few tens of milliseconds) before fastify loads anyway: an STS that does not take the request
 * must not hold the HTTP server back.
 */
const SEND_BEFORE_SERVER_MAX_MS = 50;
/**
 * Managed Instances allow init 130 s (or the function timeout): wait there, retries included, until
 * every role has credentials, so the runtime's many workers find them when traffic comes.
 */
const MANAGED_INIT_WAIT_MS = 60_000;
/** On INVOKE, wait for due refreshes so the sandbox is not frozen with a call half done. */
const INVOKE_WAIT_MS = 3000;

/** Loads and validates the config and completes the plan; a refusal is the step's failure. */
export async function planFromConfig(context: StartUpContext, source: ConfigSource): Promise<StartUpPlan> {
  const planned = planStartUp({
    env: context.env,
    settings: context.settings,
    loaded: await loadConfigFrom(source, context.env),
    instanceId: context.instanceId,
    token: context.token,
  });
  logSeparateBundles(context.log);
  for (const warning of planned.warnings) context.log.warn(warning, { event: "config" });
  if (!planned.ok)
    throw new StepFailed({ errorType: "Extension.ConfigInvalid", message: refusalMessage(planned) });
  return planned.plan;
}

/** When the register request was written, since the process started: wall and CPU milliseconds. */
export interface RegisterSent {
  readonly ms: number;
  readonly cpuMs: number;
}

export async function completeStartUp(
  context: StartUpContext,
  registering: Registering,
  sent: RegisterSent = { ms: Number.NaN, cpuMs: Number.NaN },
): Promise<void> {
  const { env, log, api, exits, step } = context;
  const plan =
    registering.planBeforeRegister ??
    (await step("load the config", () => planFromConfig(context, registering.source)));
  await step("check the default role", () => {
    const mismatch = defaultRoleMismatch(registering.announcedDefaultRole, plan.config.defaultRole);
    if (mismatch !== undefined)
      throw new StepFailed({ errorType: "Extension.ConfigInvalid", message: mismatch });
  });
  detachFromOwnEndpoint(env, plan.port);

  const naming = new SessionNaming(plan.sessionNaming);
  const metrics = plan.metrics === "emf" ? createEmfMetrics() : noMetrics;
  let assumer: Promise<AssumeFunction> | undefined;
  // Loaded once; a failed load is tried again by the next AssumeRole (EMFILE in a burst, say).
  const loadAssume = () =>
    (assumer ??= import("../sts/assumerChoice.js")
      .then(({ loadAssumer }) => loadAssumer(plan.stsRegion, env))
      .catch((error: unknown) => {
        assumer = undefined;
        throw error;
      }));
  // Tenant isolation mode only for a config that uses ${tenantId}: otherwise nothing of it is loaded.
  const tenantMode =
    tenantScopedRoles(plan.config).size > 0
      ? await step("start tenant mode", async () =>
          (await import("../tenant/tenantMode.js")).startTenantMode({
            config: plan.config,
            clock: systemClock,
            log,
          }),
        )
      : undefined;
  if (tenantMode !== undefined) exits.onStop(() => tenantMode.close());
  const roles = new RoleRegistry({
    config: plan.config,
    metrics,
    ...(tenantMode !== undefined ? { tenant: tenantMode.scope } : {}),
    generatedSessionName: () => naming.current(),
    clock: systemClock,
    log,
    loadAssume,
  });
  exits.onStop(() => {
    roles.stop();
    metrics.flush();
  });

  const readRegistration = async () => {
    const registration =
      api === undefined ? undefined : await step("register", () => awaitRegistration(api.register()));
    logRegistered(context, plan, registering, roles.names(), registration, sent);
    // Managed Instances (no INVOKE event to write the counts) and standalone: metrics on timers.
    if (registration === undefined || !registration.events.includes("INVOKE"))
      exits.onStop(flushPeriodically(metrics, log));
    // Subscribing (tenant mode) runs beside the roles' first AssumeRole; done before the first event.
    return { registration, tenantSubscribed: tenantMode?.afterRegister(api) };
  };

  // Where the first AssumeRole waits for the report, it is watched for at once; else from when fastify
  // serves, off the way to first credentials (a report then renames the sessions of later calls).
  let serving = () => {};
  const servingStarted = new Promise<void>((resolve) => {
    serving = resolve;
  });
  const logStream = watchLogStreamReport(
    plan.runtimeDir,
    (name) => {
      if (!naming.adoptLogStream(name)) return;
      log.info("session names carry the log stream's id", {
        event: "log-stream",
        logStream: name,
        sessionName: naming.current(),
      });
    },
    undefined,
    plan.waitForLogStream ? undefined : servingStarted,
  );
  exits.onStop(() => logStream.close());
  // `register`'s answer (read through node:net's sockets and streams, then parsed and logged) is read
  // once the first AssumeRole is out and fastify serves: nothing before needs it. Except where the
  // wrapper is to report the log stream and has not yet: the runtime it runs in starts once Lambda
  // has answered `register`, so the first AssumeRole waits for the answer, then a little for the
  // report (a few milliseconds after), so that its session is named after the log stream too.
  let registered = plan.waitForLogStream && !logStream.reported() ? await readRegistration() : undefined;
  if (plan.waitForLogStream) await logStream.reportedWithin(LOG_STREAM_WAIT_MS);

  // Assume every role now. Loading fastify (node:http and fastify are most of start-up, holding the
  // event loop for tens of milliseconds) waits until the STS client is loaded and the requests are
  // out (bounded: sts/requestsSent.ts): it then runs while they are on the network.
  const initialAssumptions = roles.refreshDueWithin(INIT_WAIT_MS);
  await step("load the STS client", loadAssume);
  logSeparateBundles(log);
  await requestsSent(SEND_BEFORE_SERVER_MAX_MS);
  const { buildServer } = await step("load the HTTP server", async () => {
    // node:http (the server's) and node:https (node:tls, which AssumeRole over https loads on Lambda
    // anyway; the proxy path; the SDK's client), loaded once the requests are out, so while STS
    // answers rather than before the first request leaves. Built-ins wired other than as node's own
    // modules (the build hands them over as require()'s object) fail start-up here, not every call.
    for (const transport of await Promise.all([import("node:http"), import("node:https")])) {
      if (typeof transport.default?.request !== "function")
        throw new Error("the bundle's node:http(s) is not node's own module: reinstall the layer");
    }
    return import("../http/server.js");
  });
  const app = await step("build the HTTP server", async () => {
    const built = buildServer({ token: plan.token.value, roles, log, metrics });
    await built.ready();
    return built;
  });
  exits.onStop(() => app.close());
  await step("hand the port over", () =>
    registering.listener.handOver(app.server).catch((error: unknown) => {
      throw new StepFailed(handOverFailure(error, registering.listener.port));
    }),
  );
  serving();
  registered ??= await readRegistration();
  const { registration, tenantSubscribed } = registered;

  await initialAssumptions;
  // Without its own credentials the sidecar can assume no role, ever: refuse init, where it shows.
  const noBase = roles.baseCredentialsMissing();
  if (noBase !== undefined) return void (await exits.fail("Extension.NoBaseCredentials", noBase));
  if (registration !== undefined && !registration.events.includes("INVOKE"))
    await roles.untilSettled(MANAGED_INIT_WAIT_MS);
  await tenantSubscribed;
  // Start-up's built-ins are loaded, with node's code cache, which V8 refuses once a flag changed:
  // only now, the roles' first credentials in and fastify serving (platform/pretenuring.ts).
  setImmediate(() => stopPretenuring(log));
  if (registration === undefined) return; // standalone: serving on timers until a signal

  exits.initCompleted();
  const end = await runEventLoop(
    api as NonNullable<typeof api>,
    async (event) => {
      metrics.flush();
      const startedAt = Date.now();
      const budgetMs = Math.max(0, Math.min(INVOKE_WAIT_MS, event.deadlineMs - startedAt - 100));
      // The tenant id comes a batch after INVOKE: take it (and assume) before the sandbox may freeze.
      if (tenantMode !== undefined) await tenantMode.scope.beforeInvoke(budgetMs);
      await roles.refreshDueWithin(Math.max(0, budgetMs - (Date.now() - startedAt)));
    },
    log,
  );
  await exits.stop(
    end.reason === "shutdown" ? `SHUTDOWN (${end.shutdownReason})` : "Runtime API error",
    end.reason === "shutdown" ? 0 : 1,
  );
}

/** Says what became of the code caches of the bundles of their own loaded so far (YAML parser, SDK). */
function logSeparateBundles(log: Logger): void {
  for (const [bundle, cache] of takeSeparateBundleUses()) logCodeCache(log, bundle, cache);
}

async function awaitRegistration(registration: Promise<Registration>): Promise<Registration> {
  try {
    return await registration;
  } catch (error) {
    throw new StepFailed({ errorType: "Extension.RegisterFailed", message: (error as Error).message });
  }
}

function logRegistered(
  { log, token }: StartUpContext,
  plan: StartUpPlan,
  registering: Registering,
  roleNames: readonly string[],
  registration: Registration | undefined,
  sent: RegisterSent,
): void {
  if (registration === undefined) {
    log.info("serving without Lambda (no AWS_LAMBDA_RUNTIME_API): refreshing on timers", {
      event: "standalone",
      rolesUrl: registering.rolesUrl,
    });
    return;
  }
  log.info("registered", {
    event: "registered",
    startupMs: Math.round(msSinceStart()),
    // The cost of what runs before `register` (the runtime waits for it): wall and CPU time.
    registerSentMs: Math.round(sent.ms * 10) / 10,
    registerCpuMs: Math.round(sent.cpuMs * 10) / 10,
    roles: roleNames.join(","),
    defaultRole: plan.config.defaultRole,
    rolesUrl: registering.rolesUrl,
    authSource: token.source,
    functionName: registration.functionName,
    events: registration.events.join(","),
  });
}
