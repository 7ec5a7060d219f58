import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  CAN_MAKE_DEVICES,
  CONFIG_FILE_REFUSALS,
  makeSpecial,
  SPECIAL_KINDS,
} from "../../test/support/specialFiles.js";
import { wrongSwitchSpellings } from "../../test/support/switchSpellings.js";
import { MAX_CONFIG_BYTES } from "./limits.js";
import { formatProblems, type LoadResult, loadConfig, loadConfigFile, loadConfigFrom } from "./loadConfig.js";

const FILE_ARN = "arn:aws:iam::123456789012:role/from-file";
const DEFAULT_PATH_ARN = "arn:aws:iam::123456789012:role/from-default-path";
const ENV_ARN = "arn:aws:iam::123456789012:role/from-env";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "load-config-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeConfig(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function roleArnOf(result: LoadResult, role: string): string | undefined {
  if (!result.ok) throw new Error(`expected a config, got ${formatProblems(result.source, result.problems)}`);
  return result.config.roles.get(role)?.parameters.RoleArn;
}

function problemsOf(result: LoadResult) {
  if (result.ok) throw new Error("expected problems, got a valid config");
  return result.problems;
}

describe("loadConfig: where the config comes from", () => {
  it("prefers CREDENTIALS_SIDECAR_CONFIG over the default paths and the role variables", async () => {
    // Prepare
    const explicit = writeConfig("explicit.yaml", `roles:\n  explicit:\n    RoleArn: ${FILE_ARN}\n`);
    const fallback = writeConfig("default.yaml", `roles:\n  fallback:\n    RoleArn: ${DEFAULT_PATH_ARN}\n`);
    const env = { CREDENTIALS_SIDECAR_CONFIG: explicit, CREDENTIALS_SIDECAR_ROLE_ARN: ENV_ARN };

    // Act
    const result = await loadConfig(env, [fallback]);

    // Assess
    expect(result.source).toBe(explicit);
    expect(roleArnOf(result, "explicit")).toBe(FILE_ARN);
    expect(result.ok && result.notes).toEqual([
      `CREDENTIALS_SIDECAR_ROLE_ARN is ignored because the config file ${explicit} is used`,
    ]);
  });

  it("uses the first default path that exists, skipping missing ones and folders", async () => {
    const folder = join(dir, "folder.yaml");
    mkdirSync(folder);
    const second = writeConfig("second.yaml", `roles:\n  second:\n    RoleArn: ${DEFAULT_PATH_ARN}\n`);
    const third = writeConfig("third.yaml", `roles:\n  third:\n    RoleArn: ${FILE_ARN}\n`);

    const result = await loadConfig({ CREDENTIALS_SIDECAR_ROLE_ARN: ENV_ARN }, [
      join(dir, "missing.yaml"),
      folder,
      second,
      third,
    ]);

    expect(result.source).toBe(second);
    expect(roleArnOf(result, "second")).toBe(DEFAULT_PATH_ARN);
  });

  it("falls back to the role variables when no file exists", async () => {
    const env = {
      CREDENTIALS_SIDECAR_ROLE_ARN: ENV_ARN,
      CREDENTIALS_SIDECAR_ROLE_SESSION_NAME: "env-session",
      CREDENTIALS_SIDECAR_EXTERNAL_ID: "ext-1",
      CREDENTIALS_SIDECAR_SOURCE_IDENTITY: "alice",
      CREDENTIALS_SIDECAR_DURATION_SECONDS: " 1800 ",
      CREDENTIALS_SIDECAR_REGION: "eu-west-1",
    };

    const result = await loadConfig(env, [join(dir, "missing.yaml")]);

    expect(result.source).toBe("environment variables");
    if (!result.ok) throw new Error("expected a config");
    expect(result.config.defaultRole).toBe("default");
    expect(result.config.roles.get("default")).toEqual({
      name: "default",
      parameters: {
        RoleArn: ENV_ARN,
        RoleSessionName: "env-session",
        ExternalId: "ext-1",
        SourceIdentity: "alice",
        DurationSeconds: 1800,
      },
      region: "eu-west-1",
      refreshBeforeExpirySeconds: 1200,
    });
  });

  it("treats an empty CREDENTIALS_SIDECAR_CONFIG as unset", async () => {
    const fallback = writeConfig("default.yaml", `roles:\n  fallback:\n    RoleArn: ${DEFAULT_PATH_ARN}\n`);

    const result = await loadConfig({ CREDENTIALS_SIDECAR_CONFIG: "  " }, [fallback]);

    expect(roleArnOf(result, "fallback")).toBe(DEFAULT_PATH_ARN);
  });

  it("says what to do when there is no config at all", async () => {
    const missing = join(dir, "missing.yaml");

    const problems = problemsOf(await loadConfig({}, [missing]));

    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toContain("no config found: set CREDENTIALS_SIDECAR_ROLE_ARN");
    expect(problems[0]?.message).toContain(missing);
  });

  it("says an explicit file that is missing does not exist, without falling back", async () => {
    const missing = join(dir, "nope.yaml");

    const result = await loadConfig(
      { CREDENTIALS_SIDECAR_CONFIG: missing, CREDENTIALS_SIDECAR_ROLE_ARN: ENV_ARN },
      [],
    );

    expect(result.source).toBe(missing);
    expect(problemsOf(result)).toEqual([{ path: "", message: "does not exist" }]);
  });
});

describe("loadConfigFrom: a file read before register", () => {
  it("validates what the simple reader read then, and does not read the bytes again", async () => {
    const source = {
      kind: "file",
      path: "/var/task/credentials-sidecar.yaml",
      // Bytes no reader would accept: only what was read before can make this load succeed.
      read: { ok: true, bytes: Buffer.from("roles: [") },
      readAsSimpleYaml: { roles: { reader: { RoleArn: "arn:aws:iam::123456789012:role/reader" } } },
    } as const;

    const loaded = await loadConfigFrom(source, {});

    expect(loaded.ok && [...loaded.config.roles.keys()]).toEqual(["reader"]);
    expect(loaded.ok && loaded.config.defaultRole).toBe("reader");
  });
});

describe("loadConfig: problems in the role variables", () => {
  it("reports a short duration under the variable's name", async () => {
    const env = { CREDENTIALS_SIDECAR_ROLE_ARN: ENV_ARN, CREDENTIALS_SIDECAR_DURATION_SECONDS: "600" };

    const result = await loadConfig(env, []);

    expect(result.source).toBe("environment variables");
    expect(problemsOf(result)).toEqual([
      { path: "CREDENTIALS_SIDECAR_DURATION_SECONDS", message: "must be at least 900 (got 600)" },
    ]);
  });

  it("reports a non-numeric duration once, with the value given", async () => {
    const env = { CREDENTIALS_SIDECAR_ROLE_ARN: ENV_ARN, CREDENTIALS_SIDECAR_DURATION_SECONDS: "1h" };

    expect(problemsOf(await loadConfig(env, []))).toEqual([
      {
        path: "CREDENTIALS_SIDECAR_DURATION_SECONDS",
        message: 'must be a whole number of seconds, got "1h"',
      },
    ]);
  });

  it.each(wrongSwitchSpellings(0x5_1de, 30))(
    "reports generateSourceIdentity %j once, with the value given",
    async (value) => {
      const env = {
        CREDENTIALS_SIDECAR_ROLE_ARN: ENV_ARN,
        CREDENTIALS_SIDECAR_GENERATE_SOURCE_IDENTITY: value,
      };

      expect(problemsOf(await loadConfig(env, []))).toEqual([
        {
          path: "CREDENTIALS_SIDECAR_GENERATE_SOURCE_IDENTITY",
          message: `must be true or false, got ${JSON.stringify(value)}`,
        },
      ]);
    },
  );

  it("reads generateSourceIdentity from its variable", async () => {
    const env = {
      CREDENTIALS_SIDECAR_ROLE_ARN: ENV_ARN,
      CREDENTIALS_SIDECAR_GENERATE_SOURCE_IDENTITY: "true",
    };

    const result = await loadConfig(env, []);

    expect(result.ok && result.config.roles.get("default")?.generateSourceIdentity).toBe(true);
  });

  it("reports every bad variable under its own name", async () => {
    const env = {
      CREDENTIALS_SIDECAR_ROLE_ARN: "arn:aws:iam::123:role/x",
      CREDENTIALS_SIDECAR_SOURCE_IDENTITY: "aws:me",
      CREDENTIALS_SIDECAR_REGION: "Ireland",
    };

    const paths = problemsOf(await loadConfig(env, [])).map((p) => p.path);

    expect(paths.sort()).toEqual([
      "CREDENTIALS_SIDECAR_REGION",
      "CREDENTIALS_SIDECAR_ROLE_ARN",
      "CREDENTIALS_SIDECAR_SOURCE_IDENTITY",
    ]);
  });
});

describe("loadConfigFile", () => {
  it("passes YAML problems through with their line", async () => {
    const path = writeConfig("bad.yaml", "roles:\n  a: [\n");

    const problems = problemsOf(await loadConfigFile(path));

    expect(problems[0]?.path).toMatch(/^line \d+, column \d+$/);
  });

  it("passes validation problems through with their path", async () => {
    const path = writeConfig(
      "bad.yaml",
      `roles:\n  reader:\n    RoleArn: ${FILE_ARN}\n    DurationSeconds: 50000\n`,
    );

    expect(problemsOf(await loadConfigFile(path))).toEqual([
      { path: "roles.reader.DurationSeconds", message: "must be at most 43200 (got 50000)" },
    ]);
  });

  it("refuses a file over 1 MiB before reading it", async () => {
    const path = writeConfig("huge.yaml", `roles: {}\n${"#".repeat(1024 * 1024)}`);

    expect(problemsOf(await loadConfigFile(path))).toEqual([
      { path: "", message: "is larger than 1048576 bytes" },
    ]);
  });

  it("says when the path is a folder", async () => {
    const problems = problemsOf(await loadConfigFile(dir));

    expect(problems).toEqual([{ path: "", message: "is not a regular file (a folder)" }]);
  });
});

describe("formatProblems", () => {
  it("puts one problem on each line, after a count", () => {
    const text = formatProblems("/var/task/credentials-sidecar.yaml", [
      { path: "roles.reader.DurationSeconds", message: "must be at most 43200" },
      { path: "", message: "is empty; it needs a roles: mapping" },
    ]);

    expect(text).toBe(
      "Invalid config (/var/task/credentials-sidecar.yaml), 2 problems:\n" +
        "  roles.reader.DurationSeconds: must be at most 43200\n" +
        "  is empty; it needs a roles: mapping",
    );
  });

  it("says problem, not problems, for one", () => {
    const text = formatProblems("environment variables", [
      { path: "CREDENTIALS_SIDECAR_DURATION_SECONDS", message: "must be at least 900" },
    ]);

    expect(text).toBe(
      "Invalid config (environment variables), 1 problem:\n  CREDENTIALS_SIDECAR_DURATION_SECONDS: must be at least 900",
    );
  });
});

describe("loadConfigFile on paths that are not regular files", () => {
  it("refuses a device without reading it (reading /dev/zero would never end)", async () => {
    const result = await loadConfigFile("/dev/zero");
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems).toEqual([
      { path: "", message: "is not a regular file (a character device)" },
    ]);
  });

  // A link is followed (a package may ship the config as one); what it leads to is checked as the file.
  it.each(SPECIAL_KINDS)(
    "%s as the config: refused at once naming what it is, or read through the link",
    async (kind) => {
      if (kind === "device" && !CAN_MAKE_DEVICES) return;
      const path = join(dir, "credentials-sidecar.yaml");
      makeSpecial(kind, path, `roles:\n  reader:\n    RoleArn: ${FILE_ARN}\n`, MAX_CONFIG_BYTES);

      const result = await loadConfigFile(path);

      const refusal = CONFIG_FILE_REFUSALS[kind];
      if (refusal === undefined) expect(roleArnOf(result, "reader")).toBe(FILE_ARN);
      else expect(problemsOf(result)).toEqual([{ path: "", message: refusal }]);
    },
  );
});
