/** `credentials-sidecar validate FILE`: the extension's own config validation, before deploying. */
import { formatProblems, type LoadResult, loadConfigFile } from "../../src/config/loadConfig.js";
import type { SidecarConfig } from "../../src/config/types.js";
import { parseCommandArgs } from "./args.js";
import { type CliIo, EXIT, UsageError } from "./io.js";

export const VALIDATE_HELP = `Usage: credentials-sidecar validate [--json] FILE

Checks a config file exactly as the extension does at start-up (YAML, schema, role references).

Options:
  --json      print {"file", "valid", "roles", "defaultRole", "problems": [{"path", "message"}]} on stdout
  -h, --help  this help

Exit codes: 0 valid, 1 invalid (every problem is printed, on stderr unless --json), 2 usage error.
`;

export async function validateCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { json: { type: "boolean" } });
  if (values.help) {
    io.out(VALIDATE_HELP);
    return EXIT.ok;
  }
  const [file, ...extra] = positionals;
  if (file === undefined) throw new UsageError("validate needs the config file to check");
  if (extra.length > 0) throw new UsageError(`validate takes one file, got ${positionals.length}`);
  const result = await loadConfigFile(file);
  if (values.json) io.out(`${JSON.stringify(validationJson(file, result))}\n`);
  else if (result.ok) io.out(`${summary(file, result.config)}\n`);
  else io.err(`${formatProblems(result.source, result.problems)}\n`);
  return result.ok ? EXIT.ok : EXIT.failed;
}

/** `c.yaml: OK (2 roles: app, audit; default: app)` */
export function summary(file: string, config: SidecarConfig): string {
  const names = [...config.roles.keys()];
  const roles = `${names.length} role${names.length === 1 ? "" : "s"}: ${names.join(", ")}`;
  const fallback = config.defaultRole ?? "none, SDKs keep the execution role";
  return `${file}: OK (${roles}; default: ${fallback})`;
}

export function validationJson(file: string, result: LoadResult) {
  return result.ok
    ? {
        file,
        valid: true,
        roles: [...result.config.roles.keys()],
        defaultRole: result.config.defaultRole ?? null,
        problems: [],
      }
    : {
        file,
        valid: false,
        roles: [],
        defaultRole: null,
        problems: result.problems.map(({ path, message }) => ({ path, message })),
      };
}
