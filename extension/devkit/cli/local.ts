/**
 * `credentials-sidecar local`: the extension on a laptop, driven by the mock Runtime API like in
 * Lambda, its variables handed to a shell (stdout, --export-file) or to a command (`-- COMMAND`).
 */
import { resolve } from "node:path";
import { formatProblems, loadConfigFile } from "../../src/config/loadConfig.js";
import type { SidecarConfig } from "../../src/config/types.js";
import { DEFAULT_PORT } from "../../src/startup/env.js";
import { STAND_IN_ACCOUNT } from "../stsStandIn/stsStandIn.js";
import { MANAGED_INSTANCES_OPTION, parseChoice, parseCommandArgs, parsePort, parseSeconds } from "./args.js";
import { type CliIo, EXIT, UsageError } from "./io.js";
import { LocalSession } from "./localSession.js";
import { requireBuiltFile } from "./paths.js";

export const LOCAL_HELP = `Usage: credentials-sidecar local --config FILE [options] [-- COMMAND [ARGS...]]

Runs the sidecar on this machine as Lambda would (register, INVOKE every --invoke-every seconds,
SHUTDOWN on Ctrl-C) and hands its variables to your shell or to COMMAND.

  Terminal 1:  credentials-sidecar local --config c.yaml --export-file .sidecar.env
  Terminal 2:  . ./.sidecar.env && aws sts get-caller-identity     (or python app.py, node app.mjs, ...)
  One shot:    credentials-sidecar local --config c.yaml -- aws sts get-caller-identity

Once ready it prints the shell lines (export AWS_CONTAINER_CREDENTIALS_FULL_URI=... and the token) on
stdout; everything else goes to stderr. It keeps running until Ctrl-C (or SIGTERM, SIGHUP), so
\`eval "$(credentials-sidecar local ...)"\` would never return: use --export-file or -- COMMAND.

Options:
  --config FILE         the config to serve (required)
  --sts builtin|aws     builtin (default): a local STS stand-in, no AWS account; it lets you assume any
                        role in account ${STAND_IN_ACCOUNT}, and its credentials work only for STS calls
                        to it (AWS_ENDPOINT_URL_STS is exported). aws: real STS, with your current
                        credentials (environment, AWS_PROFILE, SSO...) as the base identity.
  --port N              port of the credentials server on 127.0.0.1 (default ${DEFAULT_PORT}; 0: any
                        free port, shown once ready)
  --region R            STS region (default AWS_REGION, AWS_DEFAULT_REGION; us-east-1 with builtin)
  --export-file PATH    also write the shell lines to PATH, a new file (mode 0600; an existing
                        path is refused), removed on exit
  --invoke-every S      seconds between INVOKE events, which check freshness as in Lambda (default 60)
  --managed-instances   play Lambda Managed Instances: INVOKE registration refused, no INVOKE events,
                        the sidecar refreshes on its own timers (not with --invoke-every)
  --tenant-id ID        play tenant isolation mode: every INVOKE names tenant ID, so roles with
                        \${tenantId} in the config are served with it (docs/tenant-isolation.md)
  -h, --help            this help

With -- COMMAND, the command runs with the variables set and the sidecar stops when it ends.

Exit codes: 0 stopped cleanly, 1 the config is invalid or the sidecar failed, 2 usage error;
with -- COMMAND, the command's exit code.
`;

export interface LocalOptions {
  readonly config: string;
  readonly sts: "builtin" | "aws";
  readonly port: number;
  readonly region: string | undefined;
  readonly exportFile: string | undefined;
  readonly invokeEverySeconds: number;
  readonly managedInstances: boolean;
  /** Tenant isolation mode: the tenant id every INVOKE names. */
  readonly tenantId: string | undefined;
  readonly command: readonly string[];
}

export function parseLocalArgs(args: readonly string[], env: NodeJS.ProcessEnv): LocalOptions | "help" {
  const { values, positionals } = parseCommandArgs(args, {
    config: { type: "string", short: "c" },
    sts: { type: "string" },
    port: { type: "string" },
    region: { type: "string" },
    "export-file": { type: "string" },
    "invoke-every": { type: "string" },
    "tenant-id": { type: "string" },
    ...MANAGED_INSTANCES_OPTION,
  });
  if (values.help) return "help";
  if (values.config === undefined) throw new UsageError("local needs --config FILE");
  // A command must follow `--`, so a stray word is not run by mistake.
  const dashDash = args.indexOf("--");
  if (positionals.length > 0 && (dashDash < 0 || args.indexOf(positionals[0] ?? "") < dashDash)) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}: put a command after --`);
  }
  const sts = parseChoice(values.sts, "--sts", ["builtin", "aws"] as const, "builtin");
  const region = values.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const managedInstances = values["managed-instances"] === true;
  if (managedInstances && values["invoke-every"] !== undefined) {
    throw new UsageError("--invoke-every does nothing with --managed-instances: there are no INVOKE events");
  }
  const tenantId = values["tenant-id"];
  if (tenantId !== undefined && (managedInstances || !/^\S.{0,255}$/u.test(tenantId))) {
    throw new UsageError(
      managedInstances
        ? "--tenant-id needs INVOKE events, which --managed-instances has none of"
        : "--tenant-id needs a tenant id: 1-256 characters, not starting with a space",
    );
  }
  return {
    config: resolve(values.config),
    sts,
    port: parsePort(values.port, "--port", DEFAULT_PORT, { anyFree: true }),
    region: region ?? (sts === "builtin" ? "us-east-1" : undefined),
    exportFile: values["export-file"] === undefined ? undefined : resolve(values["export-file"]),
    invokeEverySeconds: parseSeconds(values["invoke-every"], "--invoke-every", 60),
    managedInstances,
    tenantId,
    command: positionals,
  };
}

export async function localCommand(args: readonly string[], io: CliIo): Promise<number> {
  const options = parseLocalArgs(args, process.env);
  if (options === "help") {
    io.out(LOCAL_HELP);
    return EXIT.ok;
  }
  const loaded = await loadConfigFile(options.config);
  if (!loaded.ok) {
    io.err(`${formatProblems(loaded.source, loaded.problems)}\n`);
    return EXIT.failed;
  }
  const bundle = requireBuiltFile("extension.mjs", "run `make build` (node extension/build.mjs) first");
  if (options.sts === "builtin") {
    for (const warning of foreignRoles(loaded.config)) io.err(`credentials-sidecar local: ${warning}\n`);
  }
  const session = new LocalSession(options, io);
  try {
    return await session.run(bundle, loaded.config);
  } finally {
    await session.cleanUp();
  }
}

/** Roles the stand-in will refuse (it knows only its own account). */
export function foreignRoles(config: SidecarConfig): string[] {
  return [...config.roles.values()]
    .filter((role) => role.parameters.RoleArn.split(":")[4] !== STAND_IN_ACCOUNT)
    .map(
      (role) =>
        `role ${role.name} (${role.parameters.RoleArn}) is not in account ${STAND_IN_ACCOUNT}: the built-in STS stand-in will deny it (use --sts aws for real roles)`,
    );
}
