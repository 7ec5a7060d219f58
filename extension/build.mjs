// Bundles the extension (dist/extension.mjs) and the CLI (dist/cli.mjs) with esbuild.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const dist = `${root}dist`;

/**
 * Fastify loads these lazily and only for features the sidecar does not use (schema compilers,
 * the pino logger, inject() for tests). Replacing them keeps ~300 KB out of the parse at start-up;
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
  plugins: [stubUnused],
};

export async function build() {
  mkdirSync(dist, { recursive: true });
  const targets = [
    { entry: "extension/src/main.ts", out: "extension.mjs" },
    ...(existsSync(`${root}extension/src/cli.ts`) ? [{ entry: "extension/src/cli.ts", out: "cli.mjs" }] : []),
  ];
  for (const { entry, out } of targets) {
    const result = await esbuild.build({
      ...common,
      entryPoints: [`${root}${entry}`],
      outfile: `${dist}/${out}`,
    });
    writeFileSync(`${dist}/${out}.meta.json`, JSON.stringify(result.metafile));
    const bytes = Object.values(result.metafile.outputs)[0]?.bytes ?? 0;
    console.log(`dist/${out}: ${(bytes / 1024).toFixed(1)} KiB`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await build();
