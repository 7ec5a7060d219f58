/**
 * The extension's wiring, run by the entry (launch.ts) as the bundle chunks/beforeRegister.cjs. What
 * the environment decides (earlyPlan.ts), the logger, the Extensions API client and the one cleanup
 * for every way out (exits.ts), then the start-up sequence (startup/startUp.ts). Only what runs before
 * `register` is in this bundle: the rest is a bundle of its own (startup/restBundle.ts).
 */
import { ExtensionsApi } from "./lambda/extensionsApi.js";
import type { CacheUse, runBundle } from "./platform/cachedScript.js";
import { createLogger } from "./platform/log.js";
import { secureRandomBytes } from "./platform/random.js";
import { keepServingOnUnhandledRejections } from "./platform/unhandledRejections.js";
import { planEarly, refusalMessage } from "./startup/earlyPlan.js";
import { handleExits } from "./startup/exits.js";
import { loadRestBundle, logCodeCache } from "./startup/restBundle.js";
import { startUp } from "./startup/startUp.js";
import { stepRunner } from "./startup/stepFailures.js";
import { generateToken } from "./startup/token.js";

/**
 * What the entry says: where the bundles are, what became of this one's code cache, and its own
 * loader of bundles, which the rest of start-up is run with too (one copy of it, not one per bundle).
 */
export interface Launch {
  readonly chunksDir: string;
  readonly codeCache: CacheUse;
  readonly runBundle: typeof runBundle;
}

export function main({ chunksDir, codeCache, runBundle }: Launch): void {
  const env = process.env;
  const early = planEarly(env, generateToken);
  const log = createLogger(early.logLevel);
  const api =
    early.runtimeApi === undefined ? undefined : new ExtensionsApi(early.runtimeApi, early.registerFor);
  const exits = handleExits({ log, api });
  keepServingOnUnhandledRejections(log);

  if (!early.settings.ok) {
    void exits.fail("Extension.ConfigInvalid", refusalMessage(early.settings));
  } else {
    startUp({
      env,
      settings: early.settings.settings,
      token: early.settings.token,
      instanceId: secureRandomBytes(8).toString("hex"),
      log,
      api,
      exits,
      step: stepRunner(exits.fail),
      loadRest: async () => loadRestBundle(runBundle, chunksDir, log),
    }).catch((error: unknown) => exits.fail("Extension.Crashed", (error as Error).stack ?? String(error)));
  }
  // Once start-up's first line is out and the register request under way.
  logCodeCache(log, "beforeRegister.cjs", codeCache);
}
