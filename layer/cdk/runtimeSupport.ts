/**
 * Runtimes the layer cannot serve, by name. Its `node` needs glibc 2.28: Amazon Linux 2 runtimes
 * (glibc 2.26) fail at start with `GLIBC_2.28 not found`. Container images take no layers.
 */
const AMAZON_LINUX_2_RUNTIMES = new Set([
  "python3.8",
  "python3.9",
  "python3.10",
  "python3.11",
  "java8.al2",
  "java11",
  "java17",
  "ruby3.2",
  "nodejs16.x",
  "nodejs18.x",
  "dotnet6",
  "provided.al2",
]);

export type RuntimeNote = { readonly level: "error" | "warning"; readonly message: string };

/** What a function on this runtime needs to know before taking the layer, if anything. */
export function runtimeNote(runtimeName: string, execWrapper: boolean): RuntimeNote | undefined {
  if (runtimeName === "FROM_IMAGE") {
    return {
      level: "error",
      message:
        "container-image functions cannot use layers: copy the layer's files into the image under /opt instead",
    };
  }
  if (AMAZON_LINUX_2_RUNTIMES.has(runtimeName)) {
    return {
      level: "error",
      message: `${runtimeName} runs on Amazon Linux 2 (glibc 2.26); the layer's node needs glibc 2.28: use an Amazon Linux 2023 runtime`,
    };
  }
  if (execWrapper && runtimeName.startsWith("provided")) {
    return {
      level: "warning",
      message: `Lambda ignores AWS_LAMBDA_EXEC_WRAPPER on ${runtimeName}: the function's bootstrap must exec /opt/credentials-sidecar/wrapper (see examples/go/bootstrap)`,
    };
  }
  return undefined;
}
