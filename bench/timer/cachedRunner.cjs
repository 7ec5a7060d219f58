// Runs a CommonJS bundle as a vm.Script with V8's code cache, as the layer runs its own bundles
// (extension/src/platform/cachedScript.ts; a floor must not load the product's code, so this is a
// short copy of the idea): `node cachedRunner.cjs <bundle> <cache>`. With FLOOR_TRAIN=1 it compiles
// without the cache and writes one when the process exits, holding every function that ran (the
// bench trains it through first credentials, as the layer's build does). Otherwise a cache V8 refuses
// ends the run (exit 3) rather than timing a compile.
"use strict";
const { readFileSync, writeFileSync } = require("node:fs");
const { Script } = require("node:vm");

const [bundle, cacheFile] = process.argv.slice(2);
const training = process.env.FLOOR_TRAIN === "1";
const source = readFileSync(bundle, "utf8");
const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
  filename: bundle,
  ...(training ? {} : { cachedData: readFileSync(cacheFile) }),
});
if (training) process.once("exit", () => writeFileSync(cacheFile, script.createCachedData()));
else if (script.cachedDataRejected) {
  process.stderr.write(`V8 refused the code cache ${cacheFile}: made by another node or other flags\n`);
  process.exit(3);
}
const module_ = { exports: {} };
script.runInThisContext()(module_.exports, require, module_, bundle, __dirname);
