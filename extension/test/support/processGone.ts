/**
 * Waiting for a process that is not a child of this one (a grandchild whose parent was killed): Node
 * gets no exit event for it, and polling /proc would guess at intervals. The kernel's own event is a
 * pidfd (pidfd_open(2), Linux 5.3) turning readable when the process ends; a python3 helper (3.9 or
 * later) waits on it and exits then.
 */
import { execFile } from "node:child_process";

const WAIT_FOR_PIDFD = `
import os, select, sys
try:
    fd = os.pidfd_open(int(sys.argv[1]))
except ProcessLookupError:
    sys.exit(0)
select.select([fd], [], [])
`;

/** Resolves once process `pid` has ended (a zombie counts); rejects after `timeoutMs`. */
export function processGone(pid: number, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      "python3",
      ["-c", WAIT_FOR_PIDFD, String(pid)],
      { timeout: timeoutMs, killSignal: "SIGKILL" },
      (error, _stdout, stderr) => {
        if (error === null) resolve();
        else if (error.killed) reject(new Error(`process ${pid} still runs after ${timeoutMs} ms`));
        else reject(new Error(`cannot watch process ${pid} (python3 with os.pidfd_open needed): ${stderr}`));
      },
    );
  });
}
