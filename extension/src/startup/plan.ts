/**
 * What start-up will do once the config is loaded, decided from values alone (no I/O here, so every
 * refusal is unit-tested). The first stage, before `register`, is earlyPlan.ts: the environment alone
 * says how to log, what to register for, the settings and the token.
 */
import { formatProblems, type LoadResult } from "../config/loadConfig.js";
import type { SidecarConfig } from "../config/types.js";
import { reportsLogStream } from "../lambda/logStreamReport.js";
import type { SessionNameInput } from "../roles/sessionName.js";
import type { ChosenToken, Refused } from "./earlyPlan.js";
import type { Settings } from "./settings.js";

/** The values start-up read from the process for the rest of the plan. */
export interface StartUpInputs {
  readonly env: NodeJS.ProcessEnv;
  readonly settings: Settings;
  readonly loaded: LoadResult;
  /** This run's random id, logged first: generated session names carry it. */
  readonly instanceId: string;
  /** Chosen before `register` (earlyPlan.ts). */
  readonly token: ChosenToken;
}

export interface StartUpPlan {
  readonly config: SidecarConfig;
  /** Where to listen on 127.0.0.1, before `register` (0: any free port). */
  readonly port: number;
  /** The token SDKs must present, and where it came from (for the log: never the value). */
  readonly token: ChosenToken;
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

export function planStartUp({ env, settings, loaded, instanceId, token }: StartUpInputs): Planned {
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

  return {
    ok: true,
    warnings,
    plan: {
      config,
      port: settings.port,
      token,
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
