/**
 * What the RoleRegistry unit tests share: role configs, a fake AssumeFunction that reads its source
 * role (as the STS client would) and records each call, and a registry on a FakeClock.
 */
import type { RoleConfig, SidecarConfig } from "../../src/config/types.js";
import { createLogger } from "../../src/platform/log.js";
import { RoleRegistry } from "../../src/roles/roleRegistry.js";
import type { AssumeFunction } from "../../src/sts/assumeFunction.js";
import type { RoleCredentials } from "../../src/sts/credentials.js";
import type { FakeClock } from "./fakeClock.js";
import { ACCESS_DENIED } from "./roleSessionFakes.js";

export const HOUR = 3_600_000;

export function role(
  name: string,
  extra: Partial<RoleConfig> & { RoleSessionName?: string } = {},
): RoleConfig {
  const { RoleSessionName, ...rest } = extra;
  return {
    name,
    parameters: {
      RoleArn: `arn:aws:iam::123456789012:role/${name}`,
      DurationSeconds: 3600,
      ...(RoleSessionName !== undefined ? { RoleSessionName } : {}),
    },
    refreshBeforeExpirySeconds: 1200,
    ...rest,
  };
}

export function configOf(...roles: RoleConfig[]): SidecarConfig {
  return { roles: new Map(roles.map((r) => [r.name, r])) };
}

export interface Call {
  readonly role: string;
  readonly sessionName: string;
  readonly sourceCredentials: RoleCredentials | undefined;
  readonly sourceIdentity: string | undefined;
}

/** An AssumeFunction that reads its source (as the STS client would) and fails for the named roles. */
export function fakeAssume(clock: FakeClock, failing: ReadonlySet<string> = new Set()) {
  const calls: Call[] = [];
  const assume: AssumeFunction = async (config, sessionName, source, sourceIdentity) => {
    const sourceCredentials = source === undefined ? undefined : await source();
    calls.push({ role: config.name, sessionName, sourceCredentials, sourceIdentity });
    if (failing.has(config.name)) throw ACCESS_DENIED;
    return {
      accessKeyId: `ASIA-${config.name}`,
      secretAccessKey: `secret-${config.name}`,
      sessionToken: `token-${config.name}`,
      expiresAtMs: clock.now() + HOUR,
      roleArn: config.parameters.RoleArn,
      assumedRoleArn: "",
      sessionName,
    };
  };
  return { calls, assume };
}

export function registryOf(
  config: SidecarConfig,
  assume: AssumeFunction,
  clock: FakeClock,
  generatedSessionName: () => string = () => "fn.instance",
) {
  let loads = 0;
  const registry = new RoleRegistry({
    config,
    generatedSessionName,
    loadAssume: async () => {
      loads++;
      return assume;
    },
    clock,
    random: () => 0,
    log: createLogger("error", () => {}),
  });
  return { registry, loads: () => loads };
}

export function session(registry: RoleRegistry, name: string) {
  const found = registry.session(name);
  if (found === undefined) throw new Error(`no session ${name}`);
  return found;
}
