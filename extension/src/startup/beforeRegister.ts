/**
 * Start-up up to `register`, with node:fs and Node's TCP bindings alone (node:net loads once the
 * request is out: lambda/rawConnect.ts): what the runtime needs the moment it starts (Lambda starts
 * it once every extension registered). The credentials port is bound and the runtime files are
 * written before the register request is sent, so neither the wrapper nor a function that reads the
 * sidecar without it ever finds them missing or the port refusing.
 */
import { type ConfigSource, findConfigSource } from "../config/configSource.js";
import { type EarlyListener, listenEarly } from "../http/earlyListener.js";
import type { RestOfStartUp, StartUpContext } from "./context.js";
import { chooseDefaultRole } from "./defaultRoleChoice.js";
import type { StartUpPlan } from "./plan.js";
import { writeRuntimeFiles } from "./runtimeFiles.js";
import { listenFailure, runtimeFilesFailure, StepFailed } from "./stepFailures.js";

export interface Registering {
  readonly source: ConfigSource;
  /** The default role the wrapper was told (the runtime files), to check against the full parse. */
  readonly announcedDefaultRole: string | undefined;
  /** The plan, when the default role needed the full config before `register` (the slow path). */
  readonly planBeforeRegister: StartUpPlan | undefined;
  /** The rest of start-up, when the slow path loaded it already: it is run once, not twice. */
  readonly restBeforeRegister: RestOfStartUp | undefined;
  readonly listener: EarlyListener;
  readonly rolesUrl: string;
}

export async function prepareAndRegister(context: StartUpContext): Promise<Registering> {
  const { settings, log, api, exits, step } = context;
  const found = await step("find the config", () => findConfigSource(context.env));
  const choice = chooseDefaultRole(found);
  // A file the simple reader read to find the default role is not read again after `register`.
  const source =
    found.kind === "file" && choice.decided && choice.config !== undefined
      ? { ...found, readAsSimpleYaml: choice.config }
      : found;
  let planBeforeRegister: StartUpPlan | undefined;
  let restBeforeRegister: RestOfStartUp | undefined;
  if (!choice.decided) {
    log.info("the config is loaded before register: its default role could not be read without it", {
      event: "config-before-register",
      reason: choice.reason,
    });
    const rest = await step("load the start-up chunk", context.loadRest);
    restBeforeRegister = rest;
    planBeforeRegister = await step("load the config", () => rest.planFromConfig(context, source));
  }
  const announcedDefaultRole = choice.decided ? choice.defaultRole : planBeforeRegister?.config.defaultRole;

  const listener = await step("bind the credentials port", () =>
    listenEarly(settings.port).catch((error: unknown) => {
      throw new StepFailed(listenFailure(error, settings.port));
    }),
  );
  exits.onStop(() => listener.close());
  const rolesUrl = `http://127.0.0.1:${listener.port}/roles/`;
  const files = await step("write the runtime files", () => {
    try {
      return writeRuntimeFiles(settings.runtimeDir, {
        token: context.token.value,
        rolesUrl,
        defaultRole: announcedDefaultRole,
      });
    } catch (error) {
      throw new StepFailed(runtimeFilesFailure(error, settings.runtimeDir));
    }
  });
  exits.adoptFiles(files);
  // The port it got (CREDENTIALS_SIDECAR_PORT=0 asks for any free one), once the files tell it too.
  log.info("listening", { event: "listening", port: listener.port });

  // Its answer is read when start-up needs it (afterRegister.ts).
  api?.sendRegister();
  return { source, announcedDefaultRole, planBeforeRegister, restBeforeRegister, listener, rolesUrl };
}
