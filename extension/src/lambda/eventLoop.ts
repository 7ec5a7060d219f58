import type { Logger } from "../platform/log.js";
import type { ExtensionEvent, ExtensionsApi } from "./extensionsApi.js";

export type LoopEnd =
  | { readonly reason: "shutdown"; readonly shutdownReason: string }
  | { readonly reason: "runtime-api-error"; readonly error: string };

/**
 * Loops on event/next. INVOKE is when the sandbox is awake, so it is when freshness is checked:
 * timers do not run while Lambda has the environment frozen. On Managed Instances the extension is
 * registered for SHUTDOWN only, so this waits from init to SHUTDOWN while timers do the work.
 */
export async function runEventLoop(
  api: ExtensionsApi,
  onInvoke: (event: Extract<ExtensionEvent, { eventType: "INVOKE" }>) => Promise<void>,
  log: Logger,
): Promise<LoopEnd> {
  for (;;) {
    let event: ExtensionEvent;
    try {
      event = await api.next();
    } catch (error) {
      const message = (error as Error).message;
      log.error("Runtime API failed; exiting", { event: "runtime-api-error", error: message });
      await api.exitError("Extension.RuntimeApiError", message).catch(() => undefined);
      return { reason: "runtime-api-error", error: message };
    }
    if (event.eventType === "SHUTDOWN")
      return { reason: "shutdown", shutdownReason: event.shutdownReason.toLowerCase() };
    await onInvoke(event);
  }
}
