import { writeSync } from "node:fs";

let viaStream = false;

/**
 * Writes to file descriptor 1 directly. Setting up process.stdout on a pipe (Lambda's log) costs
 * about 4 ms before `register`, and it writes synchronously on Linux anyway. A descriptor that would
 * block (non-blocking and full) hands this and every later line to process.stdout, keeping order;
 * with nobody reading (EPIPE) a line is dropped rather than crashing the extension.
 */
export function writeStdout(text: string, fd = 1): void {
  if (viaStream) return void process.stdout.write(text);
  let pending = Buffer.from(text);
  try {
    while (pending.length > 0) pending = pending.subarray(writeSync(fd, pending));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EAGAIN") return;
    viaStream = true;
    process.stdout.write(pending);
  }
}
