// Runs bench/lambda_timer.py (the measurements taken from outside Node) on a JSON plan and returns
// its JSON answer. Spawned and followed by the process kit (clean environment, lines split there).
// Asynchronous on purpose: the STS stand-in lives in this process and must keep answering while the
// timer runs.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { cleanAwsEnv, startProcess } from "../../extension/devkit/processKit.mjs";

const script = join(dirname(dirname(fileURLToPath(import.meta.url))), "lambda_timer.py");

/**
 * @param {"cold" | "function"} command
 * @param {object} plan written to a file only this user can read (it holds the stand-in's keys)
 * @param {(line: string) => void} progress each stderr line of the timer
 */
export async function runPythonTimer(command, plan, progress = () => {}) {
  const scratch = mkdtempSync(join(tmpdir(), "sidecar-bench-plan-"));
  try {
    const planFile = join(scratch, "plan.json");
    writeFileSync(planFile, JSON.stringify(plan), { mode: 0o600 });
    const stdout = [];
    const stderr = [];
    const timer = startProcess({
      command: "python3",
      args: [script, command, planFile],
      env: cleanAwsEnv(),
      name: `lambda_timer.py ${command}`,
      maxOutputChars: 0,
      onLine: (line, _record, stream) => {
        if (stream === "stdout") {
          stdout.push(line);
        } else {
          stderr.push(line);
          progress(line);
        }
      },
    });
    const exit = await timer.exited;
    if (exit.code !== 0) {
      throw new Error(
        `lambda_timer.py ${command} exited ${exit.code ?? exit.signal}: ${stderr.slice(-30).join("\n")}`,
      );
    }
    const answer = stdout.at(-1) ?? "";
    try {
      return JSON.parse(answer);
    } catch (error) {
      throw new Error(`lambda_timer.py ${command} printed no JSON (${error}): ${answer.slice(0, 500)}`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
