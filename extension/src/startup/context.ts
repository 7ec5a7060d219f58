import type { ExtensionsApi } from "../lambda/extensionsApi.js";
import type { Logger } from "../platform/log.js";
import type { ChosenToken } from "./earlyPlan.js";
import type { Exits } from "./exits.js";
import type { Settings } from "./settings.js";
import type { Step } from "./stepFailures.js";

/** What every start-up step may use: read from the process once, in main.ts. */
export interface StartUpContext {
  readonly env: NodeJS.ProcessEnv;
  readonly settings: Settings;
  readonly token: ChosenToken;
  /** This run's random id, logged first: generated session names carry it. */
  readonly instanceId: string;
  readonly log: Logger;
  /** Undefined outside Lambda (no AWS_LAMBDA_RUNTIME_API): the sidecar serves on timers alone. */
  readonly api: ExtensionsApi | undefined;
  readonly exits: Exits;
  readonly step: Step;
  /** The part of start-up after `register`, loaded once the request is out (chunks/afterRegister.cjs). */
  readonly loadRest: () => Promise<RestOfStartUp>;
}

/** The module of the part of start-up after `register`. */
export type RestOfStartUp = typeof import("./afterRegister.js");
