/**
 * Start-up refusals of the built extension as a process: a runtime folder that is not the
 * sidecar's alone, a file system that is read-only or fills up between two files, and a user token
 * no SDK can present. Each exits 1 with a message naming the variable, and leaves every file and
 * folder it did not make as it was.
 */
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StsStandIn, startStsStandIn } from "../../devkit/stsStandIn/stsStandIn.js";
import { startExtension } from "../support/extensionProcess.js";

let sts: StsStandIn;
const work = mkdtempSync(join(tmpdir(), "start-refusals-"));
let config: string;
const mounts: string[] = [];

beforeAll(async () => {
  sts = await startStsStandIn();
  config = join(work, "credentials-sidecar.yaml");
  writeFileSync(
    config,
    `default: reader\nroles:\n  reader:\n    RoleArn: arn:aws:iam::${sts.accountId}:role/reader\n`,
  );
});

afterAll(async () => {
  for (const mount of mounts) execFileSync("umount", [mount]);
  rmSync(work, { recursive: true, force: true });
  await sts?.close();
});

/** Runs the extension to its exit with these variables; returns its exit code and output. */
async function runToExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const sidecar = await startExtension({
    env: {
      AWS_REGION: "eu-west-1",
      AWS_ACCESS_KEY_ID: sts.base.accessKeyId,
      AWS_SECRET_ACCESS_KEY: sts.base.secretAccessKey,
      AWS_ENDPOINT_URL_STS: sts.endpoint,
      CREDENTIALS_SIDECAR_CONFIG: config,
      ...env,
    },
  });
  try {
    const exit = await sidecar.exited(15_000);
    return { code: exit.code, output: sidecar.output() };
  } finally {
    sidecar.kill();
  }
}

/** Every path, mode, owner and content below `root`. */
function snapshot(root: string): string[] {
  const out: string[] = [];
  const walk = (path: string) => {
    const stat = lstatSync(path);
    out.push(
      `${path} ${stat.mode.toString(8)} ${stat.uid} ${stat.isFile() ? readFileSync(path, "utf8") : ""}`,
    );
    if (stat.isDirectory()) for (const name of readdirSync(path).sort()) walk(join(path, name));
  };
  walk(root);
  return out;
}

/** A tmpfs mounted for the test (root only); undefined where this machine does not allow it. */
function tryMount(options: string): string | undefined {
  const point = mkdtempSync(join(work, "mnt-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", options, "tmpfs", point], { stdio: "ignore" });
  } catch {
    return undefined;
  }
  mounts.push(point);
  return point;
}
const canMount = process.getuid?.() === 0 && tryMount("size=64k") !== undefined;

describe("CREDENTIALS_SIDECAR_RUNTIME_DIR not the sidecar's alone", () => {
  const cases: [string, (dir: string) => void, RegExp][] = [
    ["holds a user's .env", (dir) => writeFileSync(join(dir, ".env"), "SECRET=keep-me\n"), /did not make/],
    [
      "holds a file named token of its own and another file",
      (dir) => {
        writeFileSync(join(dir, "token"), "someone-elses");
        writeFileSync(join(dir, "notes.txt"), "keep");
      },
      /did not make/,
    ],
    ["is world-writable like /tmp (1777)", (dir) => chmodSync(dir, 0o1777), /writable by other users/],
    ["is group-writable (0770)", (dir) => chmodSync(dir, 0o770), /writable by other users/],
    [
      "is a home folder (0755, other entries)",
      (dir) => {
        chmodSync(dir, 0o755);
        mkdirSync(join(dir, ".ssh"), { mode: 0o700 });
      },
      /did not make/,
    ],
  ];

  it.each(cases)(
    "refuses a folder that %s, exits 1 naming the variable, and changes nothing in it",
    async (_title, fill, reason) => {
      const dir = mkdtempSync(join(work, "shared-"));
      fill(dir);
      const before = snapshot(dir);

      const { code, output } = await runToExit({ CREDENTIALS_SIDECAR_RUNTIME_DIR: dir });

      expect(code).toBe(1);
      expect(output).toMatch(reason);
      expect(output).toContain("CREDENTIALS_SIDECAR_RUNTIME_DIR");
      expect(snapshot(dir)).toEqual(before);
    },
  );
});

describe.skipIf(!canMount)("file systems that fail (tmpfs mounts: needs root)", () => {
  it("names a read-only file system as such (not ENOENT), for a missing folder and its parents", async () => {
    const readOnly = tryMount("ro,size=64k") as string;

    const { code, output } = await runToExit({ CREDENTIALS_SIDECAR_RUNTIME_DIR: join(readOnly, "a", "run") });

    expect(code).toBe(1);
    expect(output).toContain("read-only");
    expect(output).not.toContain("ENOENT");
  });

  it("removes every file it wrote when the disk fills between two files", async () => {
    // Two pages: the token and the roles URL fit, the default role does not.
    const tiny = tryMount("size=8k") as string;

    const { code, output } = await runToExit({ CREDENTIALS_SIDECAR_RUNTIME_DIR: join(tiny, "run") });

    expect(code).toBe(1);
    expect(output).toMatch(/ENOSPC/);
    expect(readdirSync(tiny)).toEqual([]);
  });
});

describe("AWS_CONTAINER_AUTHORIZATION_TOKEN that no SDK can present", () => {
  const base = "user-token-0123456789abcdef";
  it.each([
    ["a trailing space", `${base} `],
    ["a leading tab", `\t${base}`],
    ["a control character inside", `${base.slice(0, 5)}\u0001${base.slice(5)}`],
    ["a non-ASCII character", `${base}\u00e9`],
    ["nothing (set, empty)", ""],
  ])("refuses one with %s at start, naming the variable, never the value", async (_title, token) => {
    const dir = join(mkdtempSync(join(work, "rt-")), "run");

    const { code, output } = await runToExit({
      AWS_CONTAINER_AUTHORIZATION_TOKEN: token,
      CREDENTIALS_SIDECAR_RUNTIME_DIR: dir,
    });

    expect(code).toBe(1);
    expect(output).toContain("AWS_CONTAINER_AUTHORIZATION_TOKEN");
    expect(output).not.toContain(base);
  });
});
