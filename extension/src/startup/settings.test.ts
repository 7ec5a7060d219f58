import { describe, expect, it } from "vitest";
import { wrongSwitchSpellings } from "../../test/support/switchSpellings.js";
import { readSettings, type Settings } from "./settings.js";

function settingsOf(env: NodeJS.ProcessEnv): Settings {
  const result = readSettings(env);
  if (!result.ok) throw new Error(result.problems.join("; "));
  return result.settings;
}

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  const result = readSettings(env);
  if (result.ok) throw new Error("expected problems");
  return result.problems;
}

describe("readSettings", () => {
  it("uses the defaults when nothing is set", () => {
    expect(settingsOf({})).toEqual({
      port: 9770,
      runtimeDir: "/tmp/credentials-sidecar",
      logLevel: "info",
      metrics: "off",
      runtimeApi: undefined,
      functionName: undefined,
      functionVersion: undefined,
      region: undefined,
    });
  });

  it("reads what Lambda and the user set", () => {
    const settings = settingsOf({
      CREDENTIALS_SIDECAR_PORT: "8123",
      CREDENTIALS_SIDECAR_RUNTIME_DIR: "/tmp/other",
      CREDENTIALS_SIDECAR_LOG_LEVEL: "WARN",
      AWS_LAMBDA_RUNTIME_API: "127.0.0.1:9001",
      AWS_LAMBDA_FUNCTION_NAME: "orders",
      AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
      AWS_REGION: "eu-west-1",
      AWS_DEFAULT_REGION: "us-east-1",
    });

    expect(settings).toEqual({
      port: 8123,
      runtimeDir: "/tmp/other",
      logLevel: "warn",
      metrics: "off",
      runtimeApi: "127.0.0.1:9001",
      functionName: "orders",
      functionVersion: "$LATEST",
      region: "eu-west-1",
    });
  });

  it("falls back to AWS_LAMBDA_LOG_LEVEL and AWS_DEFAULT_REGION", () => {
    const settings = settingsOf({ AWS_LAMBDA_LOG_LEVEL: "DEBUG", AWS_DEFAULT_REGION: "us-east-1" });

    expect(settings.logLevel).toBe("debug");
    expect(settings.region).toBe("us-east-1");
  });

  it("prefers CREDENTIALS_SIDECAR_LOG_LEVEL over AWS_LAMBDA_LOG_LEVEL", () => {
    expect(
      settingsOf({ CREDENTIALS_SIDECAR_LOG_LEVEL: "error", AWS_LAMBDA_LOG_LEVEL: "DEBUG" }).logLevel,
    ).toBe("error");
  });

  it.each(["65536", "99999", "http", "80.5", "-1", "0x50", "1e3"])("refuses port %j", (port) => {
    expect(problemsOf({ CREDENTIALS_SIDECAR_PORT: port })).toEqual([
      `CREDENTIALS_SIDECAR_PORT must be a port number from 1 to 65535 (or 0: any free port), got ${JSON.stringify(port)}`,
    ]);
  });

  it.each([
    ["0", 0],
    ["00", 0],
    ["1", 1],
    ["65535", 65535],
  ])("takes port %j as %d (0: the system picks a free one)", (text, port) => {
    expect(settingsOf({ CREDENTIALS_SIDECAR_PORT: text }).port).toBe(port);
  });

  it("refuses an unknown log level", () => {
    expect(problemsOf({ CREDENTIALS_SIDECAR_LOG_LEVEL: "verbose" })).toEqual([
      'CREDENTIALS_SIDECAR_LOG_LEVEL must be debug, info, warn or error, got "verbose"',
    ]);
  });

  it("refuses a relative runtime folder", () => {
    expect(problemsOf({ CREDENTIALS_SIDECAR_RUNTIME_DIR: "tmp/credentials-sidecar" })).toEqual([
      'CREDENTIALS_SIDECAR_RUNTIME_DIR must be an absolute path, got "tmp/credentials-sidecar"',
    ]);
  });

  it("reports every bad setting at once", () => {
    const problems = problemsOf({
      CREDENTIALS_SIDECAR_PORT: "99999",
      CREDENTIALS_SIDECAR_LOG_LEVEL: "loud",
      CREDENTIALS_SIDECAR_RUNTIME_DIR: "./rt",
    });

    expect(problems).toHaveLength(3);
  });

  it("turns EMF metrics on with emf and off with off, spelled exactly so, and refuses other values", () => {
    expect(settingsOf({ CREDENTIALS_SIDECAR_METRICS: "emf" }).metrics).toBe("emf");
    expect(settingsOf({ CREDENTIALS_SIDECAR_METRICS: "off" }).metrics).toBe("off");
    expect(settingsOf({ CREDENTIALS_SIDECAR_METRICS: "" }).metrics).toBe("off");
    for (const value of ["prometheus", "EMF", "Emf", " emf", "OFF", "emf\n"]) {
      expect(problemsOf({ CREDENTIALS_SIDECAR_METRICS: value })).toEqual([
        `CREDENTIALS_SIDECAR_METRICS must be emf or off, got ${JSON.stringify(value)}`,
      ]);
    }
  });

  it("accepts CREDENTIALS_SIDECAR_KEEP_EXECUTION_ROLE true, false, empty or unset", () => {
    for (const value of ["true", "false", "", undefined]) {
      expect(readSettings({ CREDENTIALS_SIDECAR_KEEP_EXECUTION_ROLE: value }).ok).toBe(true);
    }
  });

  it.each(wrongSwitchSpellings(0x6b_ee9, 40))(
    "refuses CREDENTIALS_SIDECAR_KEEP_EXECUTION_ROLE=%j, naming the variable and the value",
    (value) => {
      expect(problemsOf({ CREDENTIALS_SIDECAR_KEEP_EXECUTION_ROLE: value })).toEqual([
        `CREDENTIALS_SIDECAR_KEEP_EXECUTION_ROLE must be true or false, got ${JSON.stringify(value)}`,
      ]);
    },
  );
});
