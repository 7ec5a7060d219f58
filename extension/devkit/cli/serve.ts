/**
 * `credentials-sidecar serve`: the extension outside Lambda (a container, a VM, CI), in its standalone
 * mode: no Runtime API, refresh on timers, stop on SIGTERM/SIGINT/SIGHUP. It sets variables, then
 * runs the bundle in this very process (the `exec` of a shell script): there is no child to outlive
 * `serve`, whatever signal it gets, SIGKILL included, and every signal reaches the extension itself.
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { DEFAULT_PORT, ENV } from "../../src/startup/env.js";
import { parseCommandArgs, parsePort } from "./args.js";
import { type CliIo, EXIT } from "./io.js";
import { requireBuiltFile } from "./paths.js";

export const SERVE_HELP = `Usage: credentials-sidecar serve [--config FILE] [--port N]

Runs the sidecar outside Lambda: it assumes the configured roles with the base credentials of this
environment (keys, profile, instance or task role), keeps them fresh on timers, and serves them on
http://127.0.0.1:PORT/roles/<name> until SIGTERM, SIGHUP or Ctrl-C. Logs are JSON lines on stdout.
Every CREDENTIALS_SIDECAR_* variable works as in Lambda; the token is read from
AWS_CONTAINER_AUTHORIZATION_TOKEN when you set it (share it with your SDKs), else generated and
written to $CREDENTIALS_SIDECAR_RUNTIME_DIR/token.

Options:
  --config FILE   sets ${ENV.config} (else that variable, or ${ENV.roleArn})
  --port N        sets ${ENV.port} (default ${DEFAULT_PORT}; 0: any free port, which the
                  "listening" log line reports)
  -h, --help      this help

Exit codes: 0 stopped by a signal, 1 start-up failed (the reason is printed), 2 usage error.
Same as: node dist/extension.mjs (without AWS_LAMBDA_RUNTIME_API).
`;

export async function serveCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    config: { type: "string", short: "c" },
    port: { type: "string" },
  });
  if (values.help) {
    io.out(SERVE_HELP);
    return EXIT.ok;
  }
  if (positionals.length > 0) {
    io.err(`credentials-sidecar: serve takes no arguments, got ${JSON.stringify(positionals[0])}\n`);
    return EXIT.usage;
  }
  const port = parsePort(values.port, "--port", DEFAULT_PORT, { anyFree: true });
  const bundle = requireBuiltFile("extension.mjs", "run `make build` (node extension/build.mjs) first");
  const env = process.env;
  delete env[ENV.runtimeApi]; // standalone mode, even inside a Lambda-like environment
  if (values.config !== undefined) env[ENV.config] = resolve(values.config);
  if (values.port !== undefined) env[ENV.port] = String(port);
  // The extension starts on import and ends the process itself (exit 0 on a signal, 1 on failure).
  await import(pathToFileURL(bundle).href);
  return new Promise<number>(() => undefined);
}
