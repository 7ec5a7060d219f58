import type { CliIo } from "../../devkit/cli/io.js";

/** A CliIo that records what a command printed, for unit tests. */
export function recordingIo(): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: "",
    stderr: "",
    out: (text: string) => {
      io.stdout += text;
    },
    err: (text: string) => {
      io.stderr += text;
    },
  };
  return io;
}
