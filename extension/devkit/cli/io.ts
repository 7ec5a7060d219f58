/** Where a command prints, and the errors that end it. Commands never call process.exit themselves. */
export interface CliIo {
  /** Standard output: only what a user pipes or evals (export lines, JSON, the demo report). */
  out(text: string): void;
  /** Standard error: status, logs, problems. */
  err(text: string): void;
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** Exit codes shared by every command (documented in `--help`). */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Wrong arguments: printed as `credentials-sidecar: <message>` with a hint at --help; exit 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** A failure the user can act on: printed without a stack trace; exit 1. */
export class CliError extends Error {
  override readonly name = "CliError";
}
