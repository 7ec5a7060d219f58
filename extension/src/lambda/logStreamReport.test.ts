import { existsSync, mkdirSync, mkdtempSync, rmSync, watch as watchFolder, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CAN_MAKE_DEVICES, makeSpecial, SPECIAL_KINDS } from "../../test/support/specialFiles.js";
import { LOG_STREAM_FILE, readReport, reportsLogStream, watchLogStreamReport } from "./logStreamReport.js";

const LOG_STREAM = "2026/12/01/[$LATEST]7dbe525574b94441ab09ec8ae6d724be";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "log-stream-report-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Resolves with the first name reported to a watch on `dir`. */
function watchOnce() {
  let resolveName: (name: string) => void = () => {};
  const name = new Promise<string>((resolve) => {
    resolveName = resolve;
  });
  const watch = watchLogStreamReport(dir, resolveName);
  return { watch, name };
}

/** node's fs.watch, recording the folders it is asked to watch in `watched`. */
function recordingWatch(watched: string[]): typeof watchFolder {
  return ((folder: string, ...rest: never[]) => {
    watched.push(folder);
    return (watchFolder as (...args: unknown[]) => ReturnType<typeof watchFolder>)(folder, ...rest);
  }) as typeof watchFolder;
}

describe("watchLogStreamReport", () => {
  it("reports a name the wrapper wrote before watching began", async () => {
    writeFileSync(join(dir, LOG_STREAM_FILE), `${LOG_STREAM}\n`);

    const { watch, name } = watchOnce();

    expect(await watch.reportedWithin(60_000)).toBe(true);
    expect(await name).toBe(LOG_STREAM);
    watch.close();
  });

  it("watches only while the name is not there yet", async () => {
    const watched: string[] = [];
    const spy = recordingWatch(watched);

    const before = watchLogStreamReport(dir, () => {}, spy);
    expect(watched).toEqual([dir]);
    before.close();

    writeFileSync(join(dir, LOG_STREAM_FILE), `${LOG_STREAM}\n`);
    const after = watchLogStreamReport(dir, () => {}, spy);
    expect(await after.reportedWithin(60_000)).toBe(true);
    expect(watched).toEqual([dir]);
    after.close();
  });

  it("with a later start, looks at once but watches only from then, and not at all once closed", async () => {
    const watched: string[] = [];
    const spy = recordingWatch(watched);
    let start = () => {};
    const started = new Promise<void>((resolve) => {
      start = resolve;
    });
    let startClosed = () => {};
    const closedFirst = watchLogStreamReport(
      dir,
      () => {},
      spy,
      new Promise<void>((resolve) => {
        startClosed = resolve;
      }),
    );
    closedFirst.close();
    startClosed();

    const names: string[] = [];
    const later = watchLogStreamReport(dir, (name) => names.push(name), spy, started);
    await new Promise((resolve) => setImmediate(resolve));
    expect(watched).toEqual([]);
    writeFileSync(join(dir, LOG_STREAM_FILE), `${LOG_STREAM}\n`);
    expect(later.reported()).toBe(false);

    start();

    // The look that follows the watch finds what was written before it.
    expect(await later.reportedWithin(60_000)).toBe(true);
    expect(names).toEqual([LOG_STREAM]);
    expect(watched).toEqual([dir]);
    later.close();
  });

  it("reports a name written while it watches", async () => {
    const { watch, name } = watchOnce();

    writeFileSync(join(dir, LOG_STREAM_FILE), `${LOG_STREAM}\n`);

    expect(await name).toBe(LOG_STREAM);
    expect(await watch.reportedWithin(60_000)).toBe(true);
    watch.close();
  });

  it("waits past a partial write for the line's end", async () => {
    // Prepare: half a line (no newline yet) is there when watching starts.
    const path = join(dir, LOG_STREAM_FILE);
    writeFileSync(path, LOG_STREAM.slice(0, 20));
    const { watch, name } = watchOnce();

    // Act
    writeFileSync(path, `${LOG_STREAM}\n`);

    // Assess
    expect(await name).toBe(LOG_STREAM);
    watch.close();
  });

  it("gives up waiting after the limit when nothing is reported", async () => {
    const { watch } = watchOnce();

    expect(await watch.reportedWithin(5)).toBe(false);
    watch.close();
  });

  it("removes the report when closed", async () => {
    writeFileSync(join(dir, LOG_STREAM_FILE), `${LOG_STREAM}\n`);
    const { watch, name } = watchOnce();
    await name;

    watch.close();

    expect(existsSync(join(dir, LOG_STREAM_FILE))).toBe(false);
  });

  it("closes without throwing when a folder stands under the report's name, and leaves it", () => {
    const { watch } = watchOnce();
    mkdirSync(join(dir, LOG_STREAM_FILE));

    expect(() => watch.close()).not.toThrow();
    expect(existsSync(join(dir, LOG_STREAM_FILE))).toBe(true);
  });

  it("does not throw for a folder that does not exist", () => {
    const watch = watchLogStreamReport(join(dir, "missing"), () => {
      throw new Error("reported from nowhere");
    });

    expect(() => watch.close()).not.toThrow();
  });
});

describe("watchLogStreamReport meets something else under the report's name", () => {
  /** Resolves on the next event for the report's name that a watch of ours, made after theirs, sees. */
  function nextEvent(): Promise<void> {
    return new Promise((resolve) => {
      const ours = watchFolder(dir, { persistent: false }, (_event, file) => {
        if (file !== LOG_STREAM_FILE) return;
        ours.close();
        setImmediate(resolve); // after every callback of this inotify read, theirs included
      });
    });
  }

  it.each(SPECIAL_KINDS)(
    "%s: passed over without blocking, and the wrapper's report still taken after",
    async (kind) => {
      if (kind === "device" && !CAN_MAKE_DEVICES) return;
      // Prepare
      const path = join(dir, LOG_STREAM_FILE);
      const reported: string[] = [];
      const watch = watchLogStreamReport(dir, (name) => reported.push(name));
      const seen = nextEvent();

      // Act: the entry appears while it watches (its callback reads it on this thread), then the report
      makeSpecial(kind, path, `${LOG_STREAM}\n`, 512);
      await seen;
      const before = [...reported];
      rmSync(path, { recursive: true, force: true });
      writeFileSync(path, `${LOG_STREAM}\n`);

      // Assess
      expect(before).toEqual([]);
      expect(await watch.reportedWithin(60_000)).toBe(true);
      expect(reported).toEqual([LOG_STREAM]);
      watch.close();
    },
  );
});

describe("readReport", () => {
  const write = (content: string | Buffer) => {
    const path = join(dir, LOG_STREAM_FILE);
    writeFileSync(path, content);
    return path;
  };

  it("reads a name ended by a newline", () => {
    expect(readReport(write(`${LOG_STREAM}\n`))).toBe(LOG_STREAM);
  });

  it.each([
    ["no newline yet", LOG_STREAM],
    ["empty", ""],
    ["an empty line", "\n"],
    ["two lines", `${LOG_STREAM}\nmore\n`],
    ["a space", "2026/12/01/[$LATEST] abc\n"],
    ["a control character", "2026/12/01/[$LATEST]\u001b[31mabc\n"],
    ["a carriage return", `${LOG_STREAM}\r\n`],
    ["non-ASCII", "2026/12/01/[$LATEST]ä\n"],
    ["over 500 characters", `${"a".repeat(501)}\n`],
    ["far over the read bound", `${"a".repeat(100_000)}\n`],
  ])("refuses %s", (_what, content) => {
    expect(readReport(write(content))).toBeUndefined();
  });

  it("reads nothing from a file that is not there", () => {
    expect(readReport(join(dir, "absent"))).toBeUndefined();
  });
});

describe("reportsLogStream", () => {
  it.each([
    [{ AWS_LAMBDA_EXEC_WRAPPER: "/opt/credentials-sidecar/wrapper" }, true],
    [{ AWS_LAMBDA_EXEC_WRAPPER: "/var/task/vendor/credentials-sidecar/wrapper" }, true],
    [{ AWS_LAMBDA_EXEC_WRAPPER: "/opt/otel-instrument" }, false],
    [{ AWS_LAMBDA_EXEC_WRAPPER: "" }, false],
    [{}, false],
  ])("%j → %s", (env, expected) => {
    expect(reportsLogStream(env)).toBe(expected);
  });
});
