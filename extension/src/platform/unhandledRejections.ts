import type { Logger } from "./log.js";

/**
 * A promise rejected with nobody waiting ends a Node process by default. Every path that can reject
 * is handled; should one be missed, the sidecar logs it and keeps serving: an exiting extension
 * takes the function down with it (on Managed Instances the environment is marked unhealthy and
 * replaced, with every invocation running in it).
 */
export function keepServingOnUnhandledRejections(log: Logger): void {
  process.on("unhandledRejection", (reason) => {
    log.error("unexpected unhandled rejection; still serving", {
      event: "internal-error",
      error: describe(reason),
    });
  });
}

function describe(reason: unknown): string {
  if (reason instanceof Error) return `${reason.name}: ${reason.message}`;
  try {
    return String(reason);
  } catch {
    return typeof reason; // e.g. an object without a prototype
  }
}
