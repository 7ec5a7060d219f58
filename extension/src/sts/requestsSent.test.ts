import { afterEach, describe, expect, it, vi } from "vitest";
import { requestsSent, trackSending } from "./requestsSent.js";

const turns = async (count: number) => {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
};
afterEach(() => vi.useRealTimers());

describe("requestsSent", () => {
  it("resolves after one turn of the event loop when no request is unsent", async () => {
    let done = false;
    const waiting = requestsSent(60_000).then(() => {
      done = true;
    });
    expect(done).toBe(false);
    await waiting;
    expect(done).toBe(true);
  });

  it("waits for every request made so far, including one made in a promise job after the call", async () => {
    const first = trackSending();
    let done = false;
    const waiting = requestsSent(60_000).then(() => {
      done = true;
    });
    await Promise.resolve();
    const second = trackSending(); // as a request signed after a module load would be
    await turns(5);
    expect(done).toBe(false);
    first();
    first(); // twice: still one request
    await turns(5);
    expect(done).toBe(false);
    second();
    await waiting;
    expect(done).toBe(true);
  });

  it("resolves after maxMs when a request is never sent, and stops waiting for it", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const never = trackSending();
    let done = false;
    const waiting = requestsSent(50).then(() => {
      done = true;
    });
    await turns(3);
    vi.advanceTimersByTime(49);
    await turns(3);
    expect(done).toBe(false);
    vi.advanceTimersByTime(1);
    await waiting;
    expect(done).toBe(true);
    never(); // later: nothing left to wake
    await expect(requestsSent(50)).resolves.toBeUndefined();
  });
});
