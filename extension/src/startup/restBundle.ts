import type { CacheUse, runBundle } from "../platform/cachedScript.js";
import type { Logger } from "../platform/log.js";

/**
 * Says what became of a bundle's code cache. One that was there but not used (made by another node or
 * other V8 flags, or not for this bundle) is said at info level: start-up then compiles the bundle,
 * which costs milliseconds of every cold start.
 */
export function logCodeCache(log: Logger, bundle: string, cache: CacheUse): void {
  const record = { event: "code-cache", bundle, cache };
  if (cache === "accepted") log.debug("bundle run with its code cache", record);
  else if (cache === "none") log.debug("bundle compiled: the layer has no code cache for it", record);
  else
    log.info(`the code cache of ${bundle} was not used: compiling it instead`, {
      ...record,
      reason:
        cache === "rejected"
          ? "V8 refused it: made by another node version or with other V8 flags"
          : "it was not made from this bundle, or is damaged",
    });
}

/**
 * The after-`register` part of start-up (afterRegister.ts), built as chunks/afterRegister.cjs and run
 * with the code cache the layer's build made for it, by `run` (the entry's runBundle).
 */
export function loadRestBundle(
  run: typeof runBundle,
  chunksDir: string,
  log: Logger,
): typeof import("./afterRegister.js") {
  const { exports, cache } = run(chunksDir, "afterRegister.cjs");
  logCodeCache(log, "afterRegister.cjs", cache);
  return exports as typeof import("./afterRegister.js");
}
