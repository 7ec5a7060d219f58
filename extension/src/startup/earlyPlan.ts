/**
 * What the environment alone decides, before `register`, from values only (no I/O here, so every
 * refusal is unit-tested): how to log, what to register for, the settings (port, runtime folder) and
 * the token. A bad setting or token refuses before anything is written.
 */
import { eventsToRegister, isManagedInstances, type LifecycleEvent } from "../lambda/managedInstances.js";
import type { LogLevel } from "../platform/log.js";
import { ENV, readEnv } from "./env.js";
import { isSidecarUrl } from "./ownEndpoint.js";
import { readSettings, type Settings } from "./settings.js";
import { chooseToken } from "./token.js";

/** Start-up refused: each problem names what is wrong and where; they are reported as one message. */
export interface Refused {
  readonly ok: false;
  readonly problems: readonly string[];
}

/** The token SDKs must present, and where it came from (for the log: never the value). */
export interface ChosenToken {
  readonly value: string;
  readonly source: string;
}

export interface EarlyPlan {
  readonly logLevel: LogLevel;
  /** The Extensions API's host:port; undefined outside Lambda (standalone). */
  readonly runtimeApi: string | undefined;
  readonly registerFor: readonly LifecycleEvent[];
  readonly settings:
    | { readonly ok: true; readonly settings: Settings; readonly token: ChosenToken }
    | Refused;
}

/** `newToken`: a fresh random token, asked for only when none is adopted from the environment. */
export function planEarly(env: NodeJS.ProcessEnv, newToken: () => string): EarlyPlan {
  const read = readSettings(env);
  const common = {
    logLevel: read.ok ? read.settings.logLevel : "info",
    runtimeApi: readEnv(env, ENV.runtimeApi),
    registerFor: eventsToRegister(isManagedInstances(env)),
  } as const;
  if (!read.ok) return { ...common, settings: read };
  const pointsAtSidecar = isSidecarUrl(readEnv(env, ENV.containerCredentialsFullUri), read.settings.port);
  const token = chooseToken(env, pointsAtSidecar, newToken);
  if (!token.ok) return { ...common, settings: { ok: false, problems: [token.problem] } };
  const source = token.adopted ? ENV.containerAuthorizationToken : "generated";
  return {
    ...common,
    settings: { ok: true, settings: read.settings, token: { value: token.token, source } },
  };
}

/** The one message a refusal is reported with (init/error and the log). */
export function refusalMessage(refused: Refused): string {
  return refused.problems.join("; ");
}
