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
