/**
 * The bundled CLI (dist/cli.mjs) as a process against careless use: `serve` stopped by any signal,
 * SIGKILL included, leaves no sidecar behind and frees its port; `local --export-file` never
 * overwrites or adopts a file it did not create.
 */
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KitProcess, startProcess } from "../../devkit/processKit.mjs";
import { CLI, cliEnv, cliWorkDirPerFile, type DeadEndSts, startDeadEndSts } from "../support/cli.js";
import { processGone } from "../support/processGone.js";

const work = cliWorkDirPerFile("cli-hostile-");
const children: KitProcess[] = [];

afterAll(async () => {
  await Promise.all(children.map((child) => child.kill()));
});

/** The pids whose parent is `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid;
      } catch {
        return false; // ended meanwhile
      }
    })
    .map(Number);
}

/** Resolves true when something accepts connections on the port, false when refused. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

describe("serve stopped by a signal", () => {
  const config = join(work, "serve.yaml");
  writeFileSync(config, "roles:\n  app:\n    RoleArn: arn:aws:iam::123456789012:role/app\n");
  let sts: DeadEndSts;
  beforeAll(async () => {
    sts = await startDeadEndSts();
  });
  afterAll(async () => {
    await sts?.close();
  });

  it.each(["SIGINT", "SIGTERM", "SIGHUP", "SIGKILL"] as const)(
    "%s to serve alone ends the sidecar with it and frees the port",
    async (signal) => {
      // Prepare: serve in its own process group, so the signal reaches serve only (as `kill PID`)
      const runtimeDir = join(mkdtempSync(join(work, "rt-")), "run");
      const serve = startProcess({
        command: process.execPath,
        args: [CLI, "serve", "--config", config, "--port", "0"],
        // STS does not answer on purpose: serving and stopping do not depend on it.
        env: cliEnv(work, work, {
          AWS_ACCESS_KEY_ID: "AKIAEXAMPLEEXAMPLE00",
          AWS_SECRET_ACCESS_KEY: "example",
          AWS_REGION: "us-east-1",
          AWS_ENDPOINT_URL_STS: sts.endpoint,
          CREDENTIALS_SIDECAR_RUNTIME_DIR: runtimeDir,
        }),
        detached: true,
        name: "serve",
      });
      children.push(serve);
      const port = await serve.waitForPort();
      await serve.waitForLog((line) => line.event === "standalone");
      expect(await listening(port)).toBe(true);
      const sidecarChildren = childrenOf(serve.child.pid as number);

      // Act
      serve.child.kill(signal);
      const exit = await serve.exited;

      // Assess
      expect(sidecarChildren).toEqual([]); // the sidecar is serve itself, not a child of it
      expect(await listening(port)).toBe(false);
      if (signal === "SIGKILL") {
        expect(exit.signal).toBe("SIGKILL");
      } else {
        expect(exit.code).toBe(0);
        expect(serve.records.find((line) => line.event === "stop")?.reason).toBe(signal);
        expect(existsSync(runtimeDir)).toBe(false); // made by the sidecar, so removed by it
      }
    },
  );
});

describe("local stopped by a signal", () => {
  const config = join(work, "local-signals.yaml");
  writeFileSync(config, "roles:\n  reader:\n    RoleArn: arn:aws:iam::123456789012:role/reader\n");

  it.each(["SIGHUP", "SIGKILL"] as const)(
    "%s to local alone ends its sidecar too and frees the port",
    async (signal) => {
      // Prepare
      const exportFile = join(mkdtempSync(join(work, "local-sig-")), "sidecar.env");
      const local = startProcess({
        command: process.execPath,
        args: [CLI, "local", "--config", config, "--port", "0", "--export-file", exportFile],
        env: cliEnv(work),
        detached: true,
        name: "local",
      });
      children.push(local);
      // Ready once the export lines are out: the roles URL there carries the port.
      const [, port] = await local.waitForOutput(
        /CREDENTIALS_SIDECAR_ROLES_URL='?http:\/\/127\.0\.0\.1:(\d+)\//,
      );
      const [sidecarPid] = childrenOf(local.child.pid as number);
      expect(sidecarPid).toBeDefined();
      expect(await listening(Number(port))).toBe(true);

      // Act
      local.child.kill(signal);
      const exit = await local.exited;
      // The sidecar is local's child, not ours: its end comes as its pidfd's event.
      await processGone(sidecarPid as number);

      // Assess
      expect(await listening(Number(port))).toBe(false);
      if (signal === "SIGHUP") {
        expect(exit.code).toBe(0);
        expect(local.output()).toContain("SIGHUP: sending SHUTDOWN to the extension");
        expect(existsSync(exportFile)).toBe(false);
      }
    },
  );
});

describe("local --export-file", () => {
  const config = join(work, "local.yaml");
  writeFileSync(config, "roles:\n  reader:\n    RoleArn: arn:aws:iam::123456789012:role/reader\n");

  const existing: [string, (path: string) => void][] = [
    ["a user's .env", (path) => writeFileSync(path, "SECRET=keep-me\n", { mode: 0o640 })],
    [
      "a symbolic link to a user's file",
      (path) => {
        writeFileSync(`${path}.real`, "keep");
        symlinkSync(`${path}.real`, path);
      },
    ],
    ["a dangling symbolic link", (path) => symlinkSync(join(work, "nowhere"), path)],
  ];

  it.each(existing)("refuses %s, starts nothing, and leaves it as it was", async (_title, make) => {
    const path = join(mkdtempSync(join(work, "export-")), ".env");
    make(path);
    const before = lstatSync(path).isSymbolicLink() ? readlinkSync(path) : readFileSync(path, "utf8");

    const run = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const local = startProcess({
        command: process.execPath,
        args: [CLI, "local", "--config", config, "--port", "0", "--export-file", path],
        env: cliEnv(work),
        name: "local",
      });
      children.push(local);
      void local.exited.then((exit) => resolve({ code: exit.code, stderr: local.output() }));
    });

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`--export-file ${path} already exists`);
    expect(run.stderr).not.toContain("[sidecar]");
    const after = lstatSync(path).isSymbolicLink() ? readlinkSync(path) : readFileSync(path, "utf8");
    expect(after).toBe(before);
    expect(existsSync(join(work, "nowhere"))).toBe(false);
  });
});
