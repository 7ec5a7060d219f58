/**
 * What start-up will do, decided from values alone: main.ts reads the process (environment, config
 * file, random bytes) and then carries the plan out. No I/O here, so every refusal is unit-tested.
 *
 * Two stages, because the order of start-up is part of its behaviour: the environment alone says
 * how to log, what to register for and the settings (a bad setting refuses before the config is
 * read); the config, once loaded, completes the plan.
 */
import { formatProblems, type LoadResult } from "../config/loadConfig.js";
import type { SidecarConfig } from "../config/types.js";
import { reportsLogStream } from "../lambda/logStreamReport.js";
import { eventsToRegister, isManagedInstances, type LifecycleEvent } from "../lambda/managedInstances.js";
import type { LogLevel } from "../platform/log.js";
import type { SessionNameInput } from "../roles/sessionName.js";
import { ENV, readEnv } from "./env.js";
import { isSidecarUrl } from "./ownEndpoint.js";
import { readSettings, type Settings } from "./settings.js";
import { chooseToken } from "./token.js";

/** Start-up refused: each problem names what is wrong and where; they are reported as one message. */
export interface Refused {
  readonly ok: false;
  readonly problems: readonly string[];
}

/** What the environment alone decides, before anything else happens. */
export interface EarlyPlan {
  readonly logLevel: LogLevel;
  /** The Extensions API's host:port; undefined outside Lambda (standalone). */
  readonly runtimeApi: string | undefined;
  readonly registerFor: readonly LifecycleEvent[];
  readonly settings: { readonly ok: true; readonly settings: Settings } | Refused;
}

export function planEarly(env: NodeJS.ProcessEnv): EarlyPlan {
  const settings = readSettings(env);
  return {
    logLevel: settings.ok ? settings.settings.logLevel : "info",
    runtimeApi: readEnv(env, ENV.runtimeApi),
    registerFor: eventsToRegister(isManagedInstances(env)),
    settings,
  };
}

/** The values start-up read from the process for the rest of the plan. */
export interface StartUpInputs {
  readonly env: NodeJS.ProcessEnv;
  readonly settings: Settings;
  readonly loaded: LoadResult;
  /** This run's random id, logged first: generated session names carry it. */
  readonly instanceId: string;
  /** A fresh random token, asked for only when none is adopted from the environment. */
  readonly newToken: () => string;
}

export interface StartUpPlan {
  readonly config: SidecarConfig;
  /** Where to listen on 127.0.0.1, before `register` (0: any free port). */
  readonly port: number;
  /** The token SDKs must present, and where it came from (for the log: never the value). */
  readonly token: { readonly value: string; readonly source: string };
  /** The runtime files' folder, written for the wrapper before `register`. */
  readonly runtimeDir: string;
  readonly sessionNaming: SessionNameInput;
  /** The STS client's region; roles without a region of their own use it. */
  readonly stsRegion: string | undefined;
  readonly metrics: "emf" | "off";
  /** Whether the layer's wrapper will report the log stream, worth a short wait before the first AssumeRole. */
  readonly waitForLogStream: boolean;
}

/** The plan, or why start-up is refused; `warnings` are logged either way, before the refusal. */
export type Planned = ({ readonly ok: true; readonly plan: StartUpPlan } | Refused) & {
  readonly warnings: readonly string[];
};

export function planStartUp({ env, settings, loaded, instanceId, newToken }: StartUpInputs): Planned {
  if (!loaded.ok)
    return { ok: false, problems: [formatProblems(loaded.source, loaded.problems)], warnings: [] };
  const warnings = loaded.notes;
  const config = loaded.config;
  const regionless = [...config.roles.values()]
    .filter((role) => role.region === undefined)
    .map((role) => role.name);
  if (settings.region === undefined && regionless.length > 0) {
    const problem = `no region for roles ${regionless.join(", ")}: set AWS_REGION or roles.<name>.region`;
    return { ok: false, problems: [problem], warnings };
  }

  const pointsAtSidecar = isSidecarUrl(readEnv(env, ENV.containerCredentialsFullUri), settings.port);
  const token = chooseToken(env, pointsAtSidecar, newToken);
  if (!token.ok) return { ok: false, problems: [token.problem], warnings };

  return {
    ok: true,
    warnings,
    plan: {
      config,
      port: settings.port,
      token: { value: token.token, source: token.adopted ? ENV.containerAuthorizationToken : "generated" },
      runtimeDir: settings.runtimeDir,
      sessionNaming: {
        functionName: settings.functionName ?? "credentials-sidecar",
        ...(settings.functionVersion !== undefined ? { functionVersion: settings.functionVersion } : {}),
        instanceId,
      },
      stsRegion: settings.region,
      metrics: settings.metrics,
      waitForLogStream: settings.runtimeApi !== undefined && reportsLogStream(env),
    },
  };
}

/** The one message a refusal is reported with (init/error and the log). */
export function refusalMessage(refused: Refused): string {
  return refused.problems.join("; ");
}
