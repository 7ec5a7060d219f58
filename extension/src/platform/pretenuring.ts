import { builtin } from "./builtins.js";
import type { Logger } from "./log.js";

/**
 * V8's allocation-site pretenuring, stopped once start-up is over. Under load V8 may decide that an
 * allocation site's objects live long (a site can be shared by long-lived objects and a request's
 * short-lived ones) and allocate them in the old generation from then on, where a request's objects
 * then wait for a full collection: in two soak runs of six the sidecar grew by about 16 MiB between
 * 200,000 and 500,000 requests, and after 100,000 it held about 5 MiB more than without
 * (bench/RESULTS.md, "What was tried").
 *
 * Not a launcher flag: V8 checks code caches against a hash of its flags, and node's own cache of its
 * built-ins, made without the flag, would be refused, adding milliseconds to the load of every
 * built-in start-up needs. Changed at run time, the flag takes effect at once (V8 reads it at each
 * collection), and only built-ins loaded afterwards are compiled without their cache: so this runs
 * once the start-up's have loaded.
 */
export const NO_PRETENURING = "--no-allocation-site-pretenuring";

export function stopPretenuring(log: Logger): void {
  try {
    builtin("node:v8").setFlagsFromString(NO_PRETENURING);
  } catch (error) {
    // A node that refuses the change only keeps V8's default: nothing to fail for.
    log.debug("V8's pretenuring left on", { event: "v8-flags", error: (error as Error).message });
  }
}
