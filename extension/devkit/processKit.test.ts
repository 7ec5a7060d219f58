import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cleanAwsEnv, listeningPort, NO_HOST_AWS, portFromRuntimeDir, startProcess } from "./processKit.mjs";

/** This machine's node running `script`, with the kit's clean environment. */
const node = (script: string) =>
  startProcess({ command: process.execPath, args: ["-e", script], env: cleanAwsEnv(), name: "child" });

describe("cleanAwsEnv", () => {
  const parent = {
    PATH: "/bin",
    HOME: "/home/me",
    AWS_ACCESS_KEY_ID: "AKIAPARENT",
    AWS_PROFILE: "work",
    AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://169.254.170.2/creds",
    CREDENTIALS_SIDECAR_PORT: "9770",
    NODE_OPTIONS: "--inspect",
  };

  it("keeps only what programs need to run, and switches off the host's AWS sources", () => {
    expect(cleanAwsEnv({}, parent)).toEqual({ PATH: "/bin", HOME: "/home/me", ...NO_HOST_AWS });
  });

  it("adds the caller's variables last, and removes those it sets to undefined", () => {
    const env = cleanAwsEnv(
      { AWS_REGION: "eu-west-1", HOME: "/tmp/h", AWS_EC2_METADATA_DISABLED: undefined },
      parent,
    );
    expect(env).toMatchObject({ AWS_REGION: "eu-west-1", HOME: "/tmp/h" });
    expect(env).not.toHaveProperty("AWS_EC2_METADATA_DISABLED");
  });
});

describe("portFromRuntimeDir", () => {
  it("reads the port of roles-url, and nothing before the file exists", () => {
    const dir = mkdtempSync(join(tmpdir(), "kit-runtime-"));
    try {
      expect(portFromRuntimeDir(join(dir, "run"))).toBeUndefined();
      mkdirSync(join(dir, "run"));
      writeFileSync(join(dir, "run", "roles-url"), "http://127.0.0.1:40123/roles/");
      expect(portFromRuntimeDir(join(dir, "run"))).toBe(40123);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("listeningPort", () => {
  it("reads the port of the first listening record, and nothing before there is one", () => {
    expect(listeningPort([{ event: "registered" }])).toBeUndefined();
    expect(
      listeningPort([
        { event: "assumed", port: 1 },
        { event: "listening", port: 40123 },
      ]),
    ).toBe(40123);
  });
});

describe("startProcess", () => {
  it("splits both streams into lines, parses JSON records, and waits for one", async () => {
    const child = node(
      `process.stdout.write('plain\\n{"event":"list'); setTimeout(() => { process.stdout.write('ening","port":4321}\\n'); process.stderr.write('{"event":"err"}'); }, 50);`,
    );
    expect(await child.waitForPort(5000)).toBe(4321);
    const exit = await child.waitForExit(5000);
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(child.records).toEqual([{ event: "listening", port: 4321 }, { event: "err" }]);
    expect(child.output()).toContain("plain\n");
  });

  it("rejects a wait as soon as the process exits without the line, with its output", async () => {
    const child = node("console.log('bye'); process.exit(3)");
    await expect(child.waitForLog(() => false, 10_000)).rejects.toThrow(
      /child exited \(3\) while waiting for a log line\nbye/,
    );
  });

  it("rejects a wait after its bound while the process goes on", async () => {
    const child = node("setInterval(() => {}, 1000)");
    try {
      await expect(child.waitForLog(() => true, 50)).rejects.toThrow(
        /timed out after 50 ms waiting for a log line/,
      );
    } finally {
      await child.kill();
    }
  });

  it("stops with SIGTERM, and with SIGKILL after the grace period when SIGTERM is ignored", async () => {
    const polite = node("console.log('up'); setInterval(() => {}, 1000)");
    const stubborn = node("process.on('SIGTERM', () => {}); console.log('up'); setInterval(() => {}, 1000)");
    await Promise.all([polite.waitForOutput(/up/), stubborn.waitForOutput(/up/)]);

    const [politeExit, stubbornExit] = await Promise.all([polite.stop(), stubborn.stop({ graceMs: 200 })]);

    expect(politeExit.signal).toBe("SIGTERM");
    expect(stubbornExit.signal).toBe("SIGKILL");
  });

  it("reports a command that cannot start as an exit with its reason", async () => {
    const missing = startProcess({ command: "/nonexistent/program", env: cleanAwsEnv() });
    const exit = await missing.exited;
    expect(exit).toMatchObject({ code: null, signal: null, error: expect.stringContaining("ENOENT") });
  });
});
