import type { Logger } from "../platform/log.js";
import type { Metrics } from "../platform/metrics.js";
import { ENV, readEnv } from "../startup/env.js";

/**
 * Lambda Managed Instances (functions with a capacity provider): one long-lived environment, never
 * frozen, many invocations at once. Extensions may not register for INVOKE there (the register call
 * is refused and the extension fails init), so nothing arrives between start and SHUTDOWN: refreshes
 * run on timers and metrics are written on a timer.
 */
export const MANAGED_INSTANCES = "lambda-managed-instances";

export type LifecycleEvent = "INVOKE" | "SHUTDOWN";

export function isManagedInstances(env: NodeJS.ProcessEnv): boolean {
  return readEnv(env, ENV.initializationType)?.trim() === MANAGED_INSTANCES;
}

export function eventsToRegister(managedInstances: boolean): readonly LifecycleEvent[] {
  return managedInstances ? ["SHUTDOWN"] : ["INVOKE", "SHUTDOWN"];
}

/** EMF's finest standard resolution is one minute: counts are written once a minute. */
export const METRICS_FLUSH_INTERVAL_MS = 60_000;

/**
 * Writes the request counts every `intervalMs` where no INVOKE event does it. A failing write is
 * logged and the timer goes on. Returns the function that stops it.
 */
export function flushPeriodically(
  metrics: Metrics,
  log: Logger,
  intervalMs = METRICS_FLUSH_INTERVAL_MS,
): () => void {
  const timer = setInterval(() => {
    try {
      metrics.flush();
    } catch (error) {
      log.error("writing metrics failed", { event: "internal-error", error: (error as Error)?.message });
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
