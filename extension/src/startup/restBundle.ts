import { runBundle } from "../platform/cachedScript.js";
import type { Logger } from "../platform/log.js";

/**
 * The after-`register` part of start-up (afterRegister.ts), built as chunks/afterRegister.cjs and run
 * with the code cache the layer's build made for it. A cache that was there but not used (made by
 * another node or other V8 flags, or not for this bundle) is said at info level: start-up then
 * compiles the bundle, which costs tens of milliseconds of every cold start.
 */
export function loadRestBundle(chunksDir: string, log: Logger): typeof import("./afterRegister.js") {
  const { exports, cache } = runBundle(chunksDir, "afterRegister.cjs");
  const record = { event: "code-cache", bundle: "afterRegister.cjs", cache };
  if (cache === "accepted") log.debug("start-up bundle run with its code cache", record);
  else if (cache === "none")
    log.debug("start-up bundle compiled: the layer has no code cache for it", record);
  else
    log.info("the code cache of the start-up bundle was not used: compiling it instead", {
      ...record,
      reason:
        cache === "rejected"
          ? "V8 refused it: made by another node version or with other V8 flags"
          : "it was not made from this bundle, or is damaged",
    });
  return exports as typeof import("./afterRegister.js");
}
