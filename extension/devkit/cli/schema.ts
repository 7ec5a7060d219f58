/**
 * `credentials-sidecar schema`: prints config.schema.json, so an editor can check a config next to it
 * (`# yaml-language-server: $schema=./config.schema.json`) without the schema living at some URL.
 */
import schema from "../../../config.schema.json" with { type: "json" };
import { parseCommandArgs } from "./args.js";
import { type CliIo, EXIT, UsageError } from "./io.js";

export const SCHEMA_HELP = `Usage: credentials-sidecar schema > config.schema.json

Prints the config file's JSON Schema (the same as config.schema.json in the repository and in each
release). Put it next to your config and start the config with:
  # yaml-language-server: $schema=./config.schema.json

Options:
  -h, --help  this help

Exit codes: 0 printed, 2 usage error.
`;

export async function schemaCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {});
  if (values.help) {
    io.out(SCHEMA_HELP);
    return EXIT.ok;
  }
  if (positionals.length > 0)
    throw new UsageError("schema takes no arguments: redirect its output to a file");
  io.out(`${JSON.stringify(schema, null, 2)}\n`);
  return EXIT.ok;
}
