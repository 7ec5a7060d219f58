import { ENV } from "./env.js";

/** How a failed start-up step is reported to Lambda: `init/error`'s type and message. */
export interface StepFailure {
  readonly errorType: string;
  readonly message: string;
}

/** Binding the credentials port failed: a port in use is named as such, with the variable to change. */
export function listenFailure(error: unknown, port: number): StepFailure {
  if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
    return {
      errorType: "Extension.PortInUse",
      message: `port ${port} on 127.0.0.1 is already in use; set ${ENV.port} to a free port`,
    };
  }
  return { errorType: "Extension.ListenFailed", message: (error as Error).message };
}

export function runtimeFilesFailure(error: unknown, runtimeDir: string): StepFailure {
  return {
    errorType: "Extension.RuntimeDirFailed",
    message: `cannot write ${runtimeDir}: ${(error as Error).message}`,
  };
}

/** The HTTP server could not take the bound socket over. */
export function handOverFailure(error: unknown, port: number): StepFailure {
  return {
    errorType: "Extension.ListenFailed",
    message: `cannot serve on port ${port}: ${(error as Error).message}`,
  };
}

/** A start-up step's failure with its own type and message (the rest are reported as crashes). */
export class StepFailed extends Error {
  override readonly name = "StepFailed";
  constructor(readonly failure: StepFailure) {
    super(failure.message);
  }
}

/** Runs one named start-up step; a throw or rejection in it ends the process through `fail`. */
export type Step = <T>(name: string, run: () => T | Promise<T>) => Promise<T>;

/**
 * The step runner: every step's failure goes to the one cleanup (exits.ts), with the step's own
 * failure when it threw one, else as a crash naming the step (a damaged chunk of the bundle, say).
 * `inject`: the tests' way to make a named step throw.
 */
export function stepRunner(
  fail: (errorType: string, message: string) => Promise<never>,
  inject?: (name: string) => void,
): Step {
  return async (name, run) => {
    try {
      inject?.(name);
      return await run();
    } catch (error) {
      // By name: the part after `register` is a bundle of its own, with its own copy of the class.
      if (error instanceof Error && error.name === "StepFailed" && "failure" in error) {
        const { failure } = error as StepFailed;
        return fail(failure.errorType, failure.message);
      }
      const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      return fail("Extension.Crashed", `start-up failed at "${name}": ${detail}`);
    }
  };
}
