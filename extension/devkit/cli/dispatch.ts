/** `credentials-sidecar <command>`: picks the command; every command lives in its own file. */
import { VERSION } from "../../src/platform/version.js";
import { DEMO_HELP, demoCommand } from "./demo/demo.js";
import { CliError, type CliIo, EXIT, UsageError } from "./io.js";
import { LOCAL_HELP, localCommand } from "./local.js";
import { SCHEMA_HELP, schemaCommand } from "./schema.js";
import { SERVE_HELP, serveCommand } from "./serve.js";
import { VALIDATE_HELP, validateCommand } from "./validate.js";

type Command = (args: readonly string[], io: CliIo) => Promise<number>;

export const COMMANDS: Readonly<Record<string, { run: Command; help: string; summary: string }>> = {
  demo: {
    run: demoCommand,
    help: DEMO_HELP,
    summary: "the layer end to end on this machine, no AWS account",
  },
  local: {
    run: localCommand,
    help: LOCAL_HELP,
    summary: "run the sidecar here; hand its variables to a shell",
  },
  validate: {
    run: validateCommand,
    help: VALIDATE_HELP,
    summary: "check a config file as the extension would",
  },
  serve: { run: serveCommand, help: SERVE_HELP, summary: "run the sidecar outside Lambda (standalone)" },
  schema: { run: schemaCommand, help: SCHEMA_HELP, summary: "print the config's JSON Schema, for editors" },
};

export const USAGE = `Usage: credentials-sidecar <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, { summary }]) => `  ${name.padEnd(9)} ${summary}`)
  .join("\n")}

Run \`credentials-sidecar <command> --help\` for its options and exit codes.
Exit codes: 0 success, 1 failure (message on stderr), 2 usage error.
`;

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === "-h" || name === "--help" || name === "help") {
    const topic = name === "help" && args[0] !== undefined ? COMMANDS[args[0]] : undefined;
    io.out(topic?.help ?? USAGE);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === "--version" || name === "-v") {
    io.out(`credentials-sidecar ${VERSION}\n`);
    return EXIT.ok;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  try {
    if (command === undefined) throw new UsageError(`unknown command ${JSON.stringify(name)}`);
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(
        `credentials-sidecar: ${error.message}\nRun \`credentials-sidecar ${command ? `${name} ` : ""}--help\` for usage.\n`,
      );
      return EXIT.usage;
    }
    io.err(`credentials-sidecar: ${error instanceof CliError ? error.message : describe(error)}\n`);
    return EXIT.failed;
  }
}

/** An unexpected error: its message only; the stack means nothing to a user of the CLI. */
function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
