import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import type { ExtensionsApi } from "../lambda/extensionsApi.js";
import { createLogger } from "../platform/log.js";
import { handleExits } from "./exits.js";

/** The exits of a process stand-in: its events, its exit code, what it reported, its files. */
function harness(registered = true) {
  const events = new EventEmitter();
  const reported: string[] = [];
  const api = {
    registered,
    register: async () => {
      reported.push("register");
      return { events: ["INVOKE", "SHUTDOWN"] };
    },
    initError: async (type: string) => void reported.push(`init/error ${type}`),
    exitError: async (type: string) => void reported.push(`exit/error ${type}`),
  } as unknown as ExtensionsApi;
  const codes: number[] = [];
  let removed = 0;
  const exits = handleExits({
    log: createLogger("error", () => undefined),
    api,
    exit: (code) => void codes.push(code),
    processEvents: events as unknown as NodeJS.Process,
  });
  exits.adoptFiles({ directory: "/x", remove: () => void removed++ });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 10));
  return { events, exits, reported, codes, removed: () => removed, settle };
}

describe("handleExits: one cleanup for every way out", () => {
  it.each(["SIGTERM", "SIGINT", "SIGHUP"])(
    "%s runs the closers, removes the files and exits 0",
    async (signal) => {
      const h = harness();
      const closed: string[] = [];
      h.exits.onStop(() => void closed.push("first"));
      h.exits.onStop(() => void closed.push("second"));

      h.events.emit(signal);
      await h.settle();

      expect(closed).toEqual(["second", "first"]);
      expect(h.removed()).toBe(1);
      expect(h.codes).toEqual([0]);
      expect(h.reported).toEqual([]);
    },
  );

  it("an uncaught exception before init completed: files removed, init/error, exit 1", async () => {
    const h = harness();

    h.events.emit("uncaughtException", new Error("boom"));
    await h.settle();

    expect(h.removed()).toBe(1);
    expect(h.reported).toEqual(["init/error Extension.Crashed"]);
    expect(h.codes).toEqual([1]);
  });

  it("an uncaught exception after init completed: exit/error instead", async () => {
    const h = harness();
    h.exits.initCompleted();

    h.events.emit("uncaughtException", new Error("boom"));
    await h.settle();

    expect(h.reported).toEqual(["exit/error Extension.Crashed"]);
    expect(h.codes).toEqual([1]);
  });

  it("registers first when init fails before register was sent, as init/error needs the identifier", async () => {
    const h = harness(false);

    void h.exits.fail("Extension.ConfigInvalid", "bad");
    await h.settle();

    expect(h.reported).toEqual(["register", "init/error Extension.ConfigInvalid"]);
  });

  it("any process exit removes the files (the last resort), and a second way out does nothing more", async () => {
    const h = harness();

    h.events.emit("exit", 7);
    void h.exits.fail("Extension.Crashed", "late");
    h.events.emit("SIGTERM");
    await h.settle();

    expect(h.removed()).toBe(1);
    expect(h.codes).toEqual([1]);
  });
});
