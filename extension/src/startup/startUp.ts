import { msSinceStart } from "../platform/clock.js";
import { VERSION } from "../platform/version.js";
import { prepareAndRegister } from "./beforeRegister.js";
import type { StartUpContext } from "./context.js";

/**
 * The start-up, in order: the first log line; then, up to `register`, the credentials port, the
 * runtime files and the register request (beforeRegister.ts); then, loaded while the runtime starts,
 * config, roles, HTTP server and the event loop (afterRegister.ts). Each step's failure ends in the
 * one cleanup (exits.ts): files removed, init/error reported.
 */
export async function startUp(context: StartUpContext): Promise<void> {
  // First line: it lands in the function's log stream and ties CloudTrail session names to it.
  context.log.info("credentials-sidecar starting", {
    event: "start",
    version: VERSION,
    instanceId: context.instanceId,
    node: process.version,
  });
  const registering = await prepareAndRegister(context);
  // The rest is loaded once the request is out: compiling it first would hold `register` back.
  await context.api?.registerSent;
  const cpu = process.cpuUsage();
  const sent = { ms: msSinceStart(), cpuMs: (cpu.user + cpu.system) / 1000 };
  const rest =
    registering.restBeforeRegister ?? (await context.step("load the start-up chunk", context.loadRest));
  await rest.completeStartUp(context, registering, sent);
}
