import { describe, expect, it } from "vitest";
import { FakeClock } from "../../test/support/fakeClock.js";
import type { RoleConfig } from "../config/types.js";
import { createLogger } from "../platform/log.js";
import type { AssumeFunction } from "../sts/assumeFunction.js";
import { RoleRegistry } from "./roleRegistry.js";

const NO_PROVIDER = Object.assign(new Error("Could not load credentials from any providers"), {
  name: "CredentialsProviderError",
});
const ACCESS_DENIED = Object.assign(new Error("not authorized"), {
  name: "AccessDenied",
  $metadata: { httpStatusCode: 403 },
});

function role(name: string, source?: string): RoleConfig {
  return {
    name,
    parameters: { RoleArn: `arn:aws:iam::123456789012:role/${name}` },
    refreshBeforeExpirySeconds: 1200,
    ...(source !== undefined ? { source } : {}),
  };
}

/** A registry whose AssumeRole throws `errors[role]` (after reading its source, as STS would), else succeeds. */
function registryOf(roles: RoleConfig[], errors: Record<string, Error>): RoleRegistry {
  const clock = new FakeClock();
  const assume: AssumeFunction = async (config, sessionName, source) => {
    if (source !== undefined) await source();
    const error = errors[config.name];
    if (error !== undefined) throw error;
    return {
      accessKeyId: "ASIA-x",
      secretAccessKey: "secret",
      sessionToken: "token",
      expiresAtMs: clock.now() + 3_600_000,
      roleArn: config.parameters.RoleArn,
      assumedRoleArn: "",
      sessionName,
    };
  };
  return new RoleRegistry({
    config: { roles: new Map(roles.map((r) => [r.name, r])) },
    generatedSessionName: () => "fn.instance",
    loadAssume: async () => assume,
    clock,
    random: () => 0,
    log: createLogger("error", () => {}),
  });
}

describe("RoleRegistry.baseCredentialsMissing", () => {
  it("says why when a role failed for want of the sidecar's own credentials", async () => {
    const registry = registryOf([role("reader"), role("writer")], { writer: NO_PROVIDER });

    await registry.refreshDue();

    expect(registry.baseCredentialsMissing()).toBe(
      "no base credentials: Could not load credentials from any providers",
    );
  });

  it("gives the base role's own message, not a chained role's inherited one listed before it", async () => {
    const registry = registryOf([role("chained", "base"), role("base")], { base: NO_PROVIDER });

    await registry.refreshDue();

    expect(registry.session("chained")?.failure()?.code).toBe("SourceRole.NoBaseCredentials");
    expect(registry.baseCredentialsMissing()).toBe(
      "no base credentials: Could not load credentials from any providers",
    );
  });

  it("is undefined when roles have credentials or failed for another reason", async () => {
    const registry = registryOf([role("reader"), role("writer")], { writer: ACCESS_DENIED });

    expect(registry.baseCredentialsMissing()).toBeUndefined();
    await registry.refreshDue();

    expect(registry.baseCredentialsMissing()).toBeUndefined();
  });
});
