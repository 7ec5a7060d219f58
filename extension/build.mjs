// Bundles the extension (dist/extension.mjs + dist/chunks/) and the CLI (dist/cli.mjs) with esbuild.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules, createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants as zlib } from "node:zlib";
import * as esbuild from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const dist = `${root}dist`;

/**
 * Fastify loads these lazily and only for features the sidecar does not use (schema compilers,
 * the pino logger, inject() for tests). Replacing them keeps them out of the parse at start-up;
 * if one were ever reached the error says so plainly.
 */
const UNUSED_AT_RUN_TIME = [
  "@fastify/ajv-compiler",
  "@fastify/fast-json-stringify-compiler",
  "light-my-request",
  "pino",
];
const stubUnused = {
  name: "stub-unused",
  setup(build) {
    const filter = new RegExp(`^(${UNUSED_AT_RUN_TIME.map((m) => m.replace(/[/.]/g, "\\$&")).join("|")})$`);
    build.onResolve({ filter }, (args) => ({ path: args.path, namespace: "unused" }));
    build.onLoad({ filter: /.*/, namespace: "unused" }, (args) => ({
      contents: `module.exports = function unused() { throw new Error(${JSON.stringify(`${args.path} is not bundled into credentials-sidecar`)}); };`,
      loader: "js",
    }));
  },
};

/**
 * Node built-ins fastify requires as it loads, for features the sidecar never uses: HTTP/2 and HTTPS
 * servers. Each becomes a stand-in that requires the real module on first use, so it costs nothing
 * unless reached (node:http2 alone is a large share of fastify's load). The stand-in is callable,
 * because some modules are functions.
 */
const DEFERRED = [
  { module: "node:http2", importer: /[\\/]fastify[\\/]lib[\\/]server\.js$/ },
  { module: "node:https", importer: /[\\/]fastify[\\/]lib[\\/]server\.js$/ },
];
/**
 * Packages fastify and its router require as they load but use only for what the sidecar's server
 * never does: version ranges of registered plugins (it registers none), trusted proxies (`trustProxy`
 * is off). They are left out of the
 * bundle (their code and their share of the code cache); should one be reached after all, every use
 * throws an error that names it.
 */
const UNREACHABLE = [
  { module: "semver", importer: /[\\/]fastify[\\/]lib[\\/]plugin-utils\.js$/ },
  { module: "@fastify/proxy-addr", importer: /[\\/]fastify[\\/]lib[\\/]request\.js$/ },
];
const replaced = (list) => ({
  filter: new RegExp(`^(${list.map((entry) => entry.module.replace(/[/.]/g, "\\$&")).join("|")})$`),
  matches: (args) => list.some((e) => e.module === args.path && e.importer.test(args.importer)),
});
const deferUnused = {
  name: "defer-unused",
  setup(build) {
    const deferred = replaced(DEFERRED);
    build.onResolve({ filter: deferred.filter }, (args) => {
      if (args.namespace === "deferred") return undefined;
      return deferred.matches(args)
        ? { path: args.path, namespace: "deferred", pluginData: args.resolveDir }
        : undefined;
    });
    build.onLoad({ filter: /.*/, namespace: "deferred" }, (args) => ({
      contents: `let real;
const load = () => (real ??= require(${JSON.stringify(args.path)}));
module.exports = new Proxy(() => {}, {
  get: (_, key) => load()[key],
  has: (_, key) => key in load(),
  apply: (_, self, args) => Reflect.apply(load(), self, args),
});`,
      loader: "js",
      resolveDir: args.pluginData,
    }));
    const unreachable = replaced(UNREACHABLE);
    build.onResolve({ filter: unreachable.filter }, (args) =>
      unreachable.matches(args) ? { path: args.path, namespace: "unreachable" } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "unreachable" }, (args) => ({
      contents: `const fail = () => { throw new Error(${JSON.stringify(`${args.path} is not bundled into credentials-sidecar (the build found no use for it)`)}); };
module.exports = new Proxy(() => {}, {
  get: (_, key) => (key === "__esModule" || typeof key === "symbol" ? undefined : fail()),
  has: fail,
  apply: fail,
  construct: fail,
});`,
      loader: "js",
    }));
  },
};

/**
 * find-my-way's route compiler (lib/compiler.js, 11 KB): it turns the route trees into generated
 * functions only when fastify's `routerOptions.compile` is true, which the sidecar's server never
 * sets, yet the router requires it as it loads. A stand-in that names itself should it be reached.
 */
const findMyWayCompiler = {
  name: "find-my-way-compiler",
  setup(build) {
    build.onResolve({ filter: /^\.\/lib\/compiler$/ }, (args) =>
      /[\\/]find-my-way[\\/]index\.js$/.test(args.importer)
        ? { path: "find-my-way/lib/compiler", namespace: "unreachable-compiler" }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "unreachable-compiler" }, () => ({
      contents: `exports.compileTree = function compileTree() {
  throw new Error("find-my-way's route compiler is not bundled into credentials-sidecar (fastify's routerOptions.compile is off)");
};`,
      loader: "js",
    }));
  },
};

/**
 * safe-regex2 (and ret, its regular-expression parser, 16 KB): find-my-way checks its own three
 * patterns with it as it loads, and a route's regular expressions when the route is added; the
 * sidecar's routes have none. Its stand-in answers "safe" for exactly those three patterns, which the
 * build reads from find-my-way and checks with the real safe-regex2 here, and throws an error that
 * names it for anything else.
 */
const findMyWayPatterns = {
  name: "find-my-way-patterns",
  setup(build) {
    build.onResolve({ filter: /^safe-regex2$/ }, (args) =>
      /[\\/]find-my-way[\\/]index\.js$/.test(args.importer)
        ? { path: "safe-regex2", namespace: "checked-patterns", pluginData: args.importer }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "checked-patterns" }, (args) => {
      const routerSource = readFileSync(args.pluginData, "utf8");
      // Each `const X_REGEXP = /…/flags` at the top level, as the RegExp it makes (String() of it is
      // what the stand-in compares).
      const patterns = [...routerSource.matchAll(/^const \w+_REGEXP = \/(.+)\/([a-z]*)$/gm)].map(
        (m) => new RegExp(m[1] ?? "", m[2]),
      );
      const isRegexSafe = createRequire(args.pluginData)("safe-regex2");
      const unsafe = patterns.filter((pattern) => !isRegexSafe(pattern));
      if (patterns.length !== 3 || unsafe.length > 0)
        throw new Error(
          `find-my-way's patterns changed (${patterns.join(", ")}; unsafe: ${unsafe.join(", ") || "none"}): review the safe-regex2 stand-in in extension/build.mjs`,
        );
      return {
        contents: `const checked = new Set(${JSON.stringify(patterns.map(String))});
module.exports = function isRegexSafe(pattern) {
  if (checked.has(String(pattern))) return true;
  throw new Error("safe-regex2 is not bundled into credentials-sidecar: no route of its server has a regular expression");
};`,
        loader: "js",
      };
    });
  },
};

/**
 * A Node built-in that modules of fastify require as they load but use one narrow way: a stand-in
 * serves that use, so the built-in never loads. The build reads each importer and stops if it does
 * not declare the module as `declaration` says, or if `otherUse` finds a use the stand-in does not
 * serve.
 */
function builtinStandIn({ module, importers, declaration, otherUse, servedUse, contents }) {
  const namespace = `${module}-stand-in`;
  return {
    name: namespace,
    setup(build) {
      build.onResolve({ filter: new RegExp(`^(node:)?${module}$`) }, (args) => {
        if (args.kind !== "require-call" || !importers.test(args.importer)) return undefined;
        const source = readFileSync(args.importer, "utf8");
        const otherUses = source.replace(declaration, "").match(otherUse) ?? [];
        if (!declaration.test(source) || otherUses.length > 0)
          throw new Error(
            `${args.importer} uses node:${module} other than as ${servedUse}: review the stand-in in extension/build.mjs`,
          );
        return { path: module, namespace };
      });
      build.onLoad({ filter: /.*/, namespace }, () => ({ contents, loader: "js" }));
    },
  };
}

/**
 * node:assert, which fastify's plugin checks and find-my-way require as they load (about 0.7 ms of
 * start-up to compile) and only call as `assert(value, message)`: a stand-in that throws as it does
 * (an Error named AssertionError, code ERR_ASSERTION).
 */
const plainAssert = builtinStandIn({
  module: "assert",
  importers: /[\\/]node_modules[\\/](fastify|find-my-way)[\\/]/,
  declaration: /^const assert = require\(['"](node:)?assert['"]\)$/m,
  // Every other mention of `assert` must be a call.
  otherUse: /\bassert\b(?!\s*\()/g,
  servedUse: "assert(value, message)",
  contents: `module.exports = function assert(value, message) {
  if (value) return;
  if (message instanceof Error) throw message;
  const error = new Error(message === undefined ? "The expression evaluated to a falsy value" : String(message));
  error.name = "AssertionError";
  error.code = "ERR_ASSERTION";
  throw error;
};`,
});

/**
 * node:perf_hooks, which fastify's logger-factory requires as it loads for `performance.now()` alone
 * (about a millisecond of start-up to load): a stand-in whose `now()` reads the same clock through
 * `process.uptime()`, as platform/clock.ts's msSinceStart() does.
 */
const perfHooksNow = builtinStandIn({
  module: "perf_hooks",
  importers: /[\\/]fastify[\\/]lib[\\/]logger-factory\.js$/,
  declaration: /^const \{ performance \} = require\(['"](node:)?perf_hooks['"]\)$/m,
  otherUse: /\bperformance\b(?!\.now\(\))/g,
  servedUse: "performance.now()",
  contents: "module.exports = { performance: { now: () => process.uptime() * 1000 } };",
});

/**
 * The YAML parser's ES module build (the package's "default" condition; the "node" one is CommonJS,
 * which esbuild cannot tree-shake): the sidecar only parses and composes, and the ES module build
 * leaves out about 19 KB of the bundle. The two differ only in how a warning is printed
 * (console.warn against process.emitWarning), which the sidecar's parsing never reaches.
 */
const yamlEsModules = {
  name: "yaml-es-modules",
  setup(build) {
    const packageDir = dirname(createRequire(import.meta.url).resolve("yaml/package.json"));
    build.onResolve({ filter: /^yaml$/ }, () => ({ path: join(packageDir, "browser", "dist", "index.js") }));
  },
};

/**
 * `import { request } from "node:http"` in ESM output makes Node build an ES module facade of the
 * built-in, which reads every export, and node:http's lazy getters then load Node's internal
 * undici. A require() of the built-in reads only what is used. The same goes
 * for `await import("node:http")`, which the SDK's HTTP handler does on its first request.
 */
const BUILTINS = new Set(builtinModules.filter((name) => !name.startsWith("_")));
const builtinsViaRequire = {
  name: "builtins-via-require",
  setup(build) {
    const esm = build.initialOptions.format === "esm";
    build.onResolve({ filter: /^(node:)?[a-z_]/ }, (args) => {
      const name = args.path.replace(/^node:/, "");
      const viaImport = args.kind === "import-statement" || args.kind === "dynamic-import";
      if (!viaImport || !BUILTINS.has(name.split("/")[0] ?? "")) return undefined;
      if (args.namespace === "builtin") return { path: `node:${name}`, external: true };
      // CommonJS output requires a built-in where a file imports it, and reads the names it uses from
      // it (no copy of its exports): only `import()`, which a `vm.Script` cannot run, needs the stand-in.
      if (!esm && args.kind === "import-statement") return { path: `node:${name}`, external: true };
      // In ES module output, a stand-in per importing file that exports just the names it imports.
      const names =
        esm && args.kind === "import-statement" ? importedNames(args.importer, `node:${name}`) : undefined;
      return names === undefined
        ? { path: `node:${name}`, namespace: "builtin" }
        : {
            path: `${args.importer}:node:${name}`,
            namespace: "builtin",
            pluginData: { module: `node:${name}`, names },
          };
    });
    build.onLoad({ filter: /.*/, namespace: "builtin" }, (args) => ({
      contents:
        args.pluginData === undefined
          ? `module.exports = require(${JSON.stringify(args.path)});`
          : [
              `const builtin = require(${JSON.stringify(args.pluginData.module)});`,
              ...args.pluginData.names.map((name) => `export const ${name} = builtin.${name};`),
            ].join("\n"),
      loader: "js",
    }));
  },
};

/**
 * The names a TypeScript file imports from `module` with plain named imports (`import { a, b as c }`),
 * types aside; undefined when it imports it any other way (default, namespace), which then goes
 * through the CommonJS stand-in: esbuild's interop for that copies every export of the built-in onto
 * a new object (node:fs has over a hundred), which costs before `register`.
 */
function importedNames(importer, module) {
  const source = readFileSync(importer, "utf8");
  const names = new Set();
  const quoted = module.replace(/[/.]/g, "\\$&");
  for (const match of source.matchAll(new RegExp(`^import\\s+([^;]*?)\\s+from\\s+"${quoted}";`, "gm"))) {
    const clause = match[1] ?? "";
    if (clause.startsWith("type ")) continue;
    const named = /^\{([^}]*)\}$/.exec(clause.trim());
    if (named === null) return undefined;
    for (const part of (named[1] ?? "").split(",")) {
      const item = part.trim();
      if (item === "" || item.startsWith("type ")) continue;
      const imported = item.split(/\s+as\s+/)[0]?.trim() ?? "";
      if (!/^[A-Za-z_$][\w$]*$/.test(imported)) return undefined;
      names.add(imported);
    }
  }
  return names.size > 0 ? [...names] : undefined;
}

/**
 * extension/src/platform/version.ts imports package.json for its version: the bundle gets that field only,
 * not the package's dependency lists (which would grow the layer whenever a dev tool is added).
 */
export const packageVersionOnly = {
  name: "package-version-only",
  setup(build) {
    build.onLoad({ filter: /[\\/]package\.json$/ }, (args) => {
      if (args.path !== `${root}package.json`) return undefined;
      const { version } = JSON.parse(readFileSync(args.path, "utf8"));
      return { contents: JSON.stringify({ version }), loader: "json" };
    });
  },
};

const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  minify: true,
  legalComments: "none",
  metafile: true,
  logLevel: "warning",
  // CommonJS dependencies call require() for Node built-ins; ESM output needs one.
  banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
  plugins: [stubUnused, packageVersionOnly],
};

/**
 * The extension as two CommonJS bundles and a small entry. chunks/beforeRegister.cjs (main.ts) is
 * what runs before `register` (port, runtime files, the register request), one file with nothing
 * imported from other chunks: each further module file costs its own resolve, read and compile before
 * `register` (about 4 ms of CPU for the eight shared chunks one bundle with splitting made;
 * bench/RESULTS.md, "What was tried"). The rest of start-up (startup/afterRegister.ts: config, roles,
 * STS clients, fastify) is chunks/afterRegister.cjs, which the first runs once `register` is sent.
 * Each runs as a script with the V8 code cache the layer's build makes for it
 * (platform/cachedScript.ts); dist/extension.mjs (launch.ts) only runs the first. The after-`register`
 * bundle's dynamic imports become module bodies run when first imported, so fastify still runs only
 * when needed (and the YAML parser and the AWS SDK are bundles of their own, below). The few small
 * modules both bundles use are in each; none holds state, and errors cross the boundary by name, not
 * by class identity (stepFailures.ts). The AWS SDK's ES module builds ("module" field) tree-shake
 * better than its CommonJS ones.
 */
/**
 * Bundles of their own inside the after-`register` one, run like it (platform/cachedScript.ts) when
 * first imported:
 * - the AWS SDK's STS client and credential chain, needed only without keys in the environment,
 *   would otherwise be parsed at every cold start (a third of the bundle). It ships compressed with
 *   Brotli (`.cjs.br`, a quarter of the size): the layer's size budget is tight, and the few
 *   milliseconds of decompressing it are paid only where it is used.
 * - the YAML parser, needed only for a config file: in the after-`register` bundle, its code cache
 *   (a fifth of that bundle's) was deserialised at every cold start, ~1 ms for an environment config
 *   that never parses YAML. Its own cache comes from the same training run (a YAML config).
 */
const SEPARATE_BUNDLES = [
  { specifier: "./sdkClient.js", entry: "sts/sdkClient.ts", name: "sdkClient", compress: true },
  { specifier: "./parseYaml.js", entry: "config/parseYaml.ts", name: "parseYaml", compress: false },
];
const bundleFile = (name) =>
  `${name}.cjs${SEPARATE_BUNDLES.find((bundle) => bundle.name === name)?.compress ? ".br" : ""}`;
const separateBundles = {
  name: "separate-bundles",
  setup(build) {
    for (const { specifier, name } of SEPARATE_BUNDLES) {
      const filter = new RegExp(`^${specifier.replace(/[/.]/g, "\\$&")}$`);
      build.onResolve({ filter }, (args) =>
        args.kind === "dynamic-import" ? { path: name, namespace: "separate-bundle" } : undefined,
      );
    }
    build.onLoad({ filter: /.*/, namespace: "separate-bundle" }, (args) => ({
      contents: `import { runSeparateBundle } from ${JSON.stringify(`${root}extension/src/platform/cachedScript.ts`)};
module.exports = runSeparateBundle(__dirname, ${JSON.stringify(bundleFile(args.path))});`,
      loader: "js",
      resolveDir: root,
    }));
  },
};
const launcher = {
  ...common,
  entryPoints: { extension: `${root}extension/src/launch.ts` },
  outfile: `${dist}/extension.mjs`,
  plugins: [...common.plugins, builtinsViaRequire],
};
const bundles = {
  ...common,
  format: "cjs",
  banner: {},
  entryPoints: {
    beforeRegister: `${root}extension/src/main.ts`,
    afterRegister: `${root}extension/src/startup/afterRegister.ts`,
    ...Object.fromEntries(SEPARATE_BUNDLES.map(({ entry, name }) => [name, `${root}extension/src/${entry}`])),
  },
  outdir: `${dist}/chunks`,
  entryNames: "[name]",
  outExtension: { ".js": ".cjs" },
  mainFields: ["module", "main"],
  plugins: [
    ...common.plugins,
    deferUnused,
    findMyWayPatterns,
    findMyWayCompiler,
    plainAssert,
    perfHooksNow,
    yamlEsModules,
    builtinsViaRequire,
    separateBundles,
  ],
};

/**
 * The CommonJS bundles run as `vm.Script`s (platform/cachedScript.ts), where an `import()` would throw
 * at run time: every module they load must be bundled, or a built-in (required).
 */
function refuseDynamicImports(metafile) {
  for (const [out, { imports }] of Object.entries(metafile.outputs)) {
    const dynamic = imports.filter((entry) => entry.kind === "dynamic-import");
    if (dynamic.length > 0)
      throw new Error(`${out} would import() ${dynamic.map((entry) => entry.path).join(", ")} at run time`);
  }
}

/** Replaces each compressed bundle's .cjs by its .cjs.br (the same bytes every build). */
function compressSeparateBundles(outdir) {
  for (const { name } of SEPARATE_BUNDLES.filter((bundle) => bundle.compress)) {
    const file = `${outdir}/${name}.cjs`;
    const text = readFileSync(file);
    const params = { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: text.length };
    writeFileSync(`${outdir}/${bundleFile(name)}`, brotliCompressSync(text, { params }));
    rmSync(file);
  }
}

/**
 * Bundles `entry` (CommonJS) as the after-`register` bundle is bundled, with the same stand-ins for
 * fastify's unused parts: the bench's extension floor (bench/lib/extensionFloor.mjs) serves through
 * the same fastify the layer ships.
 * @param {{ entry: string, outfile: string }} options
 */
export async function bundleLikeTheLayer({ entry, outfile }) {
  await esbuild.build({
    ...bundles,
    entryPoints: [entry],
    outdir: undefined,
    entryNames: undefined,
    outExtension: undefined,
    outfile,
    metafile: false,
  });
}

export async function build() {
  mkdirSync(dist, { recursive: true });
  // Chunk names carry content hashes: old ones would otherwise pile up and ship in the layer.
  rmSync(`${dist}/chunks`, { recursive: true, force: true });
  const targets = [
    { parts: [launcher, bundles], out: "extension.mjs" },
    ...(existsSync(`${root}extension/devkit/cli.ts`)
      ? [
          {
            parts: [
              { ...common, entryPoints: [`${root}extension/devkit/cli.ts`], outfile: `${dist}/cli.mjs` },
            ],
            out: "cli.mjs",
          },
        ]
      : []),
  ];
  for (const { parts, out } of targets) {
    const metafile = { inputs: {}, outputs: {} };
    for (const options of parts) {
      const result = await esbuild.build(options);
      if (options.format === "cjs") {
        refuseDynamicImports(result.metafile);
        compressSeparateBundles(options.outdir);
      }
      Object.assign(metafile.inputs, result.metafile.inputs);
      Object.assign(metafile.outputs, result.metafile.outputs);
    }
    writeFileSync(`${dist}/${out}.meta.json`, JSON.stringify(metafile));
    const outputs = Object.entries(metafile.outputs);
    const entry = outputs.find(([path]) => path.endsWith(`/${out}`))?.[1].bytes ?? 0;
    const total = outputs.reduce((sum, [, output]) => sum + output.bytes, 0);
    const chunks =
      outputs.length > 1 ? ` (+ ${outputs.length - 1} chunks, ${(total / 1024).toFixed(1)} KiB in all)` : "";
    console.log(`dist/${out}: ${(entry / 1024).toFixed(1)} KiB${chunks}`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await build();
