// A tiny Lambda Runtime API for benchmarks: it only needs to notice `register` the moment it
// arrives (timestamped with performance.now() in this process, the same clock the spawn time is
// read from), hold event/next, and hand out SHUTDOWN. The shared test mock does much more and
// timing it would measure its own bookkeeping.
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";

const EXT = "/2020-01-01/extension";

/**
 * @param {{ onRegister?: () => void }} [options] onRegister runs before the answer is sent, while
 *   the extension waits for it (e.g. to read its CPU time at exactly that point)
 * @returns {Promise<{ address: string, registered: Promise<number>, errors: object[],
 *   shutdown(): void, close(): Promise<void> }>}
 */
export async function startTimingRuntime(options = {}) {
  let markRegistered;
  const registered = new Promise((resolve) => {
    markRegistered = resolve;
  });
  const errors = [];
  const polls = new Set();
  let shuttingDown = false;

  const sendShutdown = (res) =>
    res
      .writeHead(200, {
        "content-type": "application/json",
        "lambda-extension-event-identifier": randomUUID(),
      })
      .end(
        JSON.stringify({ eventType: "SHUTDOWN", shutdownReason: "spindown", deadlineMs: Date.now() + 2000 }),
      );

  const server = createServer((req, res) => {
    const at = performance.now();
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      const route = `${req.method} ${req.url}`;
      if (route === `POST ${EXT}/register`) {
        markRegistered(at);
        options.onRegister?.();
        res
          .writeHead(200, { "content-type": "application/json", "lambda-extension-identifier": randomUUID() })
          .end(
            JSON.stringify({ functionName: "bench", functionVersion: "$LATEST", handler: "index.handler" }),
          );
      } else if (route === `GET ${EXT}/event/next`) {
        if (shuttingDown) sendShutdown(res);
        else {
          polls.add(res);
          res.on("close", () => polls.delete(res));
        }
      } else if (req.method === "POST" && req.url?.startsWith(`${EXT}/`)) {
        errors.push({
          path: req.url,
          type: req.headers["lambda-extension-function-error-type"],
          body: Buffer.concat(chunks).toString(),
        });
        res.writeHead(202, { "content-type": "application/json" }).end('{"status":"OK"}');
      } else {
        res.writeHead(404).end();
      }
    });
  });
  server.requestTimeout = 0;
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    address: `127.0.0.1:${server.address().port}`,
    registered,
    errors,
    shutdown() {
      shuttingDown = true;
      for (const res of polls) sendShutdown(res);
      polls.clear();
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
