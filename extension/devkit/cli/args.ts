import { type ParseArgsConfig, parseArgs } from "node:util";
import { UsageError } from "./io.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * parseArgs with every option strict and its errors turned into UsageError (exit 2). `--help` is
 * added to every command.
 */
export function parseCommandArgs<T extends Options>(
  args: readonly string[],
  options: T,
  allowPositionals = true,
) {
  try {
    return parseArgs({
      args: [...args],
      options: { ...options, help: { type: "boolean", short: "h" } },
      allowPositionals,
      strict: true,
    });
  } catch (error) {
    // Node's messages are good ("Unknown option '--x'"); drop the "To specify a positional..." advice.
    throw new UsageError((error as Error).message.split(". To specify")[0] ?? String(error));
  }
}

/**
 * `--managed-instances` (demo, local): the mock Runtime API plays Lambda Managed Instances, which
 * refuses INVOKE registration, and the extension gets AWS_LAMBDA_INITIALIZATION_TYPE as there.
 */
export const MANAGED_INSTANCES_OPTION = { "managed-instances": { type: "boolean" } } as const;

/** A port number; with `anyFree`, 0 too (the extension then binds any free port and reports it). */
export function parsePort(
  text: string | undefined,
  option: string,
  fallback: number,
  { anyFree = false } = {},
): number {
  if (text === undefined) return fallback;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < (anyFree ? 0 : 1) || port > 65535) {
    const range = anyFree ? "from 1 to 65535 (or 0: any free port)" : "from 1 to 65535";
    throw new UsageError(`${option} must be a port number ${range}, got ${JSON.stringify(text)}`);
  }
  return port;
}

export function parseSeconds(text: string | undefined, option: string, fallback: number): number {
  if (text === undefined) return fallback;
  const seconds = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || seconds <= 0 || seconds > 86_400) {
    throw new UsageError(
      `${option} must be a number of seconds above 0, at most 86400, got ${JSON.stringify(text)}`,
    );
  }
  return seconds;
}

export function parseChoice<C extends string>(
  text: string | undefined,
  option: string,
  choices: readonly C[],
  fallback: C,
): C {
  if (text === undefined) return fallback;
  if (!(choices as readonly string[]).includes(text)) {
    throw new UsageError(`${option} must be ${choices.join(" or ")}, got ${JSON.stringify(text)}`);
  }
  return text as C;
}
