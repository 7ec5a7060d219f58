/**
 * The extension's entry: it only wires. What the environment decides (earlyPlan.ts), the logger, the
 * Extensions API client and the one cleanup for every way out (exits.ts), then the start-up sequence
 * (startup/startUp.ts). Only what runs before `register` is loaded here: the rest is a bundle of its
 * own, run with the code cache the layer's build made for it (startup/restBundle.ts).
 */
import { fileURLToPath } from "node:url";
import { ExtensionsApi } from "./lambda/extensionsApi.js";
import { createLogger } from "./platform/log.js";
import { secureRandomBytes } from "./platform/random.js";
import { keepServingOnUnhandledRejections } from "./platform/unhandledRejections.js";
import { planEarly, refusalMessage } from "./startup/earlyPlan.js";
import { handleExits } from "./startup/exits.js";
import { loadRestBundle } from "./startup/restBundle.js";
import { startUp } from "./startup/startUp.js";
import { stepRunner } from "./startup/stepFailures.js";
import { generateToken } from "./startup/token.js";

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
    loadRest: async () => loadRestBundle(fileURLToPath(new URL("./chunks", import.meta.url)), log),
  }).catch((error: unknown) => exits.fail("Extension.Crashed", (error as Error).stack ?? String(error)));
}
