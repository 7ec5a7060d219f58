// Runs bench/lambda_timer.py (the measurements taken from outside Node) with a JSON plan on stdin
// and returns its JSON answer. Asynchronous on purpose: the STS stand-in lives in this process and
// must keep answering while the timer runs.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { lineSplitter } from "../../extension/devkit/processKit.mjs";

const script = join(dirname(dirname(fileURLToPath(import.meta.url))), "lambda_timer.py");

/**
 * @param {"cold" | "function"} command
 * @param {object} plan
 * @param {(line: string) => void} progress each stderr line of the timer
 */
export function runPythonTimer(command, plan, progress = () => {}) {
  return new Promise((resolve, reject) => {
    const child = spawn("python3", [script, command], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    const lastLines = [];
    const stderr = lineSplitter((line) => {
      lastLines.push(line);
      if (lastLines.length > 20) lastLines.shift();
      progress(line);
    });
    child.stdout.on("data", (chunk) => {
      out += chunk;
    });
    child.stderr.on("data", (chunk) => stderr.push(chunk));
    child.on("error", reject);
    // `close`, not `exit`: both streams have been read to their end by then.
    child.on("close", (code) => {
      stderr.end();
      if (code !== 0)
        return reject(new Error(`lambda_timer.py ${command} exited ${code}: ${lastLines.join("\n")}`));
      try {
        resolve(JSON.parse(out));
      } catch (error) {
        reject(new Error(`lambda_timer.py ${command} printed no JSON (${error}): ${out.slice(0, 500)}`));
      }
    });
    child.stdin.end(JSON.stringify(plan));
  });
}
