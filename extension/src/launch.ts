/**
 * The extension's entry (dist/extension.mjs, what the launcher runs): it runs the bundle of
 * everything before `register` (main.ts, chunks/beforeRegister.cjs) with the code cache the layer's
 * build made for it, so that its functions are not compiled at every cold start
 * (platform/cachedScript.ts). This file itself is compiled at every start: it stays this small.
 */
import { fileURLToPath } from "node:url";
import type { main } from "./main.js";
import { runBundle } from "./platform/cachedScript.js";

const chunksDir = fileURLToPath(new URL("./chunks", import.meta.url));
const { exports, cache } = runBundle(chunksDir, "beforeRegister.cjs");
(exports as { main: typeof main }).main({ chunksDir, codeCache: cache, runBundle });
