import { type LogLevel, parseLogLevel } from "../platform/log.js";
import { DEFAULT_PORT, DEFAULT_RUNTIME_DIR, ENV, readEnv, readSwitch } from "./env.js";

/** Process settings from the environment; a bad value is an error, never a silent default. */
export interface Settings {
  readonly port: number;
  readonly runtimeDir: string;
  readonly logLevel: LogLevel;
  readonly metrics: "emf" | "off";
  readonly runtimeApi: string | undefined;
  readonly functionName: string | undefined;
  readonly functionVersion: string | undefined;
  readonly region: string | undefined;
}

export type SettingsResult = { ok: true; settings: Settings } | { ok: false; problems: string[] };

export function readSettings(env: NodeJS.ProcessEnv): SettingsResult {
  const problems: string[] = [];
  const portText = readEnv(env, ENV.port);
  // Digits only: Number() would also take "0x50" or "1e3". 0 asks the system for any free port.
  const port =
    portText === undefined ? DEFAULT_PORT : /^\d{1,5}$/.test(portText.trim()) ? Number(portText) : Number.NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    problems.push(
      `${ENV.port} must be a port number from 1 to 65535 (or 0: any free port), got ${JSON.stringify(portText)}`,
    );
  }
  const levelText = readEnv(env, ENV.logLevel);
  const level = parseLogLevel(levelText ?? readEnv(env, ENV.lambdaLogLevel) ?? "info");
  if (levelText !== undefined && level === undefined) {
    problems.push(`${ENV.logLevel} must be debug, info, warn or error, got ${JSON.stringify(levelText)}`);
  }
  // Switches have one spelling per value: anything else is refused, never read as the default.
  const metricsText = env[ENV.metrics] || "off";
  if (metricsText !== "emf" && metricsText !== "off") {
    problems.push(`${ENV.metrics} must be emf or off, got ${JSON.stringify(metricsText)}`);
  }
  // The wrapper reads it (and refuses a bad spelling too); checked here so init fails with the cause.
  const keep = readSwitch(env, ENV.keepExecutionRole, false);
  if (!keep.ok) problems.push(`${ENV.keepExecutionRole} ${keep.message}`);
  const runtimeDir = readEnv(env, ENV.runtimeDir) ?? DEFAULT_RUNTIME_DIR;
  if (!runtimeDir.startsWith("/"))
    problems.push(`${ENV.runtimeDir} must be an absolute path, got ${JSON.stringify(runtimeDir)}`);
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    settings: {
      port,
      runtimeDir,
      logLevel: level ?? "info",
      metrics: metricsText === "emf" ? "emf" : "off",
      runtimeApi: readEnv(env, ENV.runtimeApi),
      functionName: readEnv(env, ENV.functionName),
      functionVersion: readEnv(env, ENV.functionVersion),
      region: readEnv(env, ENV.region) ?? readEnv(env, ENV.defaultRegion),
    },
  };
}
