// The baselines: the layer's node doing nothing, and the layer's node serving a static body with
// plain node:http (the least any credentials server on that node could cost).
import { startProcess } from "../../extension/devkit/processKit.mjs";
import { getOnce } from "./sidecar.mjs";

const IDLE = "process.stdout.write('ready\\n'); setInterval(() => {}, 1e9);";
const SERVER = `
const body = Buffer.from(process.env.BODY, "base64");
require("node:http")
  .createServer((request, response) => {
    response.writeHead(200, { "content-type": "application/json", "cache-control": "no-store", "content-length": body.length });
    response.end(body);
  })
  .listen(0, "127.0.0.1", function () { process.stdout.write("ready " + this.address().port + "\\n"); });
`;

/** Runs `script` with `node` until it printed "ready" (and the port it bound, if it serves). */
async function startReady(node, script, env) {
  const baseline = startProcess({
    command: node,
    args: ["-e", script],
    env: { PATH: process.env.PATH ?? "", ...env },
    name: "the baseline",
  });
  const [, port] = await baseline.waitForOutput(/^ready(?: (\d+))?$/m, 10_000);
  return { child: baseline.child, port: Number(port), stop: () => baseline.kill() };
}

/** `node` idling: the memory baseline. */
export const startIdleNode = (node) => startReady(node, IDLE, {});

/**
 * `node` answering every request with `body` (same size and headers as a credentials response),
 * checked once before it is used as a baseline: a smaller body would flatter the sidecar's ratio.
 */
export async function startBareServer(node, body) {
  const server = await startReady(node, SERVER, { BODY: Buffer.from(body).toString("base64") });
  const answer = await getOnce(server.port, "/roles/default");
  if (answer.status !== 200 || Buffer.byteLength(answer.body) !== Buffer.byteLength(body)) {
    await server.stop();
    throw new Error(
      `the bare server answered ${answer.status} with ${Buffer.byteLength(answer.body)} bytes, not the sidecar's ${Buffer.byteLength(body)}`,
    );
  }
  return server;
}
