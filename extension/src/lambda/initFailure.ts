import type { Logger } from "../platform/log.js";
import type { ExtensionsApi } from "./extensionsApi.js";

export type FailInit = (errorType: string, message: string) => Promise<never>;

/**
 * Reports an init failure where Lambda shows it (`init/error`, registering first if need be, since
 * the call needs an identifier), prints it for humans, and exits non-zero. Never a stack trace
 * unless the failure is a crash.
 */
export function initFailure(log: Logger, api: ExtensionsApi | undefined): FailInit {
  return async (errorType, message) => {
    log.error(message, { event: "init-error", errorType });
    console.error(`credentials-sidecar: ${message}`);
    if (api !== undefined) {
      try {
        if (!api.registered) await api.register();
        await api.initError(errorType, message);
      } catch (error) {
        log.error("could not report the init error to the Runtime API", { error: (error as Error).message });
      }
    }
    process.exit(1);
  };
}
