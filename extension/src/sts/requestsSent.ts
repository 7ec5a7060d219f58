/**
 * AssumeRole requests made and not yet handed to the network. Start-up loads fastify right after it
 * starts the roles' first AssumeRole, and that load holds the event loop for tens of milliseconds: a
 * request whose connection, TLS handshake or write still waits for the loop would leave only after
 * it, so STS would answer only after fastify's load plus its round trip. Waiting until the requests
 * are out lets fastify load while STS answers (startup/afterRegister.ts).
 */
const unsent = new Set<object>();
const waiters = new Set<() => void>();

/** For each request made: returns what to call once it is sent or has ended otherwise (idempotent). */
export function trackSending(): () => void {
  const request = {};
  unsent.add(request);
  return () => {
    if (!unsent.delete(request) || unsent.size > 0) return;
    for (const waiter of [...waiters]) waiter();
  };
}

/**
 * Resolves once every request made so far is sent, or after `maxMs`. It first lets the event loop
 * turn once, so that requests still on their way (module loads, signing: promise jobs) are made.
 */
export async function requestsSent(maxMs: number): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  if (unsent.size === 0) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      waiters.delete(done);
      resolve();
    };
    const timer = setTimeout(done, maxMs);
    waiters.add(done);
  });
}
