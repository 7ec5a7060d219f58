import { createRequire } from "node:module";

/**
 * Node's own modules where the code before `register` must not load them at import: each is loaded
 * on its first use (node:net with its streams costs milliseconds, node:zlib a few). A
 * require for built-ins only, which works in the ES module entry and in the CommonJS bundles alike.
 */
interface Builtins {
  "node:net": typeof import("node:net");
  "node:v8": typeof import("node:v8");
  "node:vm": typeof import("node:vm");
  "node:zlib": typeof import("node:zlib");
}
const requireBuiltin = createRequire("/");

export function builtin<Name extends keyof Builtins>(name: Name): Builtins[Name] {
  return requireBuiltin(name) as Builtins[Name];
}

/**
 * Node's internal bindings (`process.binding`, documentation-deprecated): what loopbackBind.ts and
 * rawConnect.ts use to listen and connect without node:net, and cachedScript.ts for zlib's CRC-32.
 * Each checks what it gets and falls back to the public module when a binding is missing or changed.
 */
export function nodeBinding(name: string): unknown {
  return (process as unknown as { binding(name: string): unknown }).binding(name);
}
