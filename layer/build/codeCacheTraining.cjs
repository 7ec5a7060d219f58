// Preloaded (--require) into the layer build's training run (codeCache.mjs): on SIGUSR2, sent once
// start-up has served credentials, writes V8's code cache of every script the extension ran through
// extension/src/platform/cachedScript.ts. Taken after the run rather than at load, it holds every
// function start-up ran, not only those compiled eagerly; taken then rather than at exit, it leaves
// out the shutdown path, which runs when the time no longer counts.
const { mkdirSync, writeFileSync } = require("node:fs");
const { dirname } = require("node:path");

// Once start-up is over the extension stops V8's pretenuring (extension/src/platform/pretenuring.ts).
// That changes the hash of V8's flags that a code cache carries, and every start, which runs without
// the change until then, would refuse a cache taken after it: the training run keeps the flags as
// they are at start-up.
const v8 = require("node:v8");
const setFlagsFromString = v8.setFlagsFromString;
v8.setFlagsFromString = (flags) => {
  if (flags === "--no-allocation-site-pretenuring")
    return process._rawDebug("training hook: V8's flags left as at start-up");
  setFlagsFromString(flags);
};

const ran = [];
globalThis[Symbol.for("credentials-sidecar.cachedScripts")] = ran;
process.on("SIGUSR2", () => {
  try {
    for (const { cacheFile, cacheBytes } of ran) {
      mkdirSync(dirname(cacheFile), { recursive: true });
      writeFileSync(cacheFile, cacheBytes());
    }
    process._rawDebug(`training hook: wrote ${ran.length} code cache(s)`);
  } catch (error) {
    process._rawDebug(`training hook failed: ${error instanceof Error ? error.stack : error}`);
  }
});
