// The baselines: the layer's node doing nothing, and the layer's node serving a static body with
// plain node:http (the least any credentials server on that node could cost).
import { spawn } from "node:child_process";
import { freePort } from "./sidecar.mjs";

const IDLE = "process.stdout.write('ready\\n'); setInterval(() => {}, 1e9);";
const SERVER = `
const body = Buffer.from(process.env.BODY, "base64");
require("node:http")
  .createServer((request, response) => {
    response.writeHead(200, { "content-type": "application/json", "cache-control": "no-store", "content-length": body.length });
    response.end(body);
  })
  .listen(Number(process.env.PORT), "127.0.0.1", () => process.stdout.write("ready\\n"));
`;

async function startReady(node, script, env) {
  const child = spawn(node, ["-e", script], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`baseline exited ${code}`)));
    child.stdout.once("data", resolve);
  });
  child.removeAllListeners("exit");
  return {
    child,
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", resolve);
        child.kill("SIGKILL");
      }),
  };
}

/** `node` idling: the memory baseline. */
export const startIdleNode = (node) => startReady(node, IDLE, {});

/** `node` answering every request with `body` (same size and headers as a credentials response). */
export async function startBareServer(node, body) {
  const port = await freePort();
  const started = await startReady(node, SERVER, {
    PORT: String(port),
    BODY: Buffer.from(body).toString("base64"),
  });
  return { ...started, port };
}
