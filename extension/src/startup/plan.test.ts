import { describe, expect, it } from "vitest";
import type { LoadResult } from "../config/loadConfig.js";
import type { RoleConfig, SidecarConfig } from "../config/types.js";
import { type EarlyPlan, planEarly, refusalMessage } from "./earlyPlan.js";
import { type Planned, planStartUp, type StartUpPlan } from "./plan.js";
import type { Settings } from "./settings.js";

const GENERATED = "generated-token-from-the-injected-source";
const USER_TOKEN = "user-chosen-token-0123456789";
const WRAPPER = "/opt/credentials-sidecar/wrapper";

function role(name: string, region?: string): RoleConfig {
  return {
    name,
    parameters: { RoleArn: `arn:aws:iam::123456789012:role/${name}` },
    refreshBeforeExpirySeconds: 1200,
    ...(region !== undefined ? { region } : {}),
  };
}

function configOf(...roles: RoleConfig[]): SidecarConfig {
  return { roles: new Map(roles.map((r) => [r.name, r])), defaultRole: roles[0]?.name };
}

function loadedOk(config: SidecarConfig, notes: string[] = []): LoadResult {
  return { ok: true, config, source: "/var/task/credentials-sidecar.yaml", notes };
}

/** The settings of a Lambda function with a region, as readSettings makes them. */
const SETTINGS: Settings = {
  port: 9770,
  runtimeDir: "/tmp/credentials-sidecar",
  logLevel: "info",
  metrics: "emf",
  runtimeApi: "127.0.0.1:9001",
  functionName: "orders",
  functionVersion: "7",
  region: "eu-west-1",
};

/**
 * Plans both stages with the given overrides, as start-up does: the token before `register`
 * (planEarly), the rest once the config is loaded; counts how often a token was generated.
 */
function plan(overrides: { env?: NodeJS.ProcessEnv; settings?: Partial<Settings>; loaded?: LoadResult }): {
  planned: Planned;
  tokensMade: number;
} {
  let tokensMade = 0;
  const env = overrides.env ?? {};
  const early = planEarly(env, () => {
    tokensMade++;
    return GENERATED;
  });
  if (!early.settings.ok) return { planned: { ...early.settings, warnings: [] }, tokensMade };
  const planned = planStartUp({
    env,
    settings: { ...SETTINGS, ...overrides.settings },
    loaded: overrides.loaded ?? loadedOk(configOf(role("reader"))),
    instanceId: "c0ffee",
    token: early.settings.token,
  });
  return { planned, tokensMade };
}

const aToken = () => GENERATED;

function planOf(planned: Planned): StartUpPlan {
  if (!planned.ok) throw new Error(refusalMessage(planned));
  return planned.plan;
}

function problemsOf(planned: Planned | EarlyPlan["settings"]): readonly string[] {
  if (planned.ok) throw new Error("expected a refusal");
  return planned.problems;
}

describe("planEarly", () => {
  it("takes the log level, the Runtime API and INVOKE + SHUTDOWN from a Lambda environment", () => {
    const early = planEarly(
      {
        AWS_LAMBDA_RUNTIME_API: "127.0.0.1:9001",
        CREDENTIALS_SIDECAR_LOG_LEVEL: "debug",
      },
      aToken,
    );

    expect(early).toMatchObject({
      logLevel: "debug",
      runtimeApi: "127.0.0.1:9001",
      registerFor: ["INVOKE", "SHUTDOWN"],
      settings: { ok: true, settings: { logLevel: "debug", port: 9770 } },
    });
  });

  it("registers for SHUTDOWN alone on Managed Instances", () => {
    expect(
      planEarly({ AWS_LAMBDA_INITIALIZATION_TYPE: "lambda-managed-instances" }, aToken).registerFor,
    ).toEqual(["SHUTDOWN"]);
  });

  it("has no Runtime API outside Lambda", () => {
    expect(planEarly({}, aToken).runtimeApi).toBeUndefined();
  });

  it("refuses bad settings with every problem, naming each variable, and still logs at info", () => {
    const early = planEarly(
      {
        AWS_LAMBDA_RUNTIME_API: "127.0.0.1:9001",
        CREDENTIALS_SIDECAR_PORT: "0x50",
        CREDENTIALS_SIDECAR_LOG_LEVEL: "loud",
        CREDENTIALS_SIDECAR_METRICS: "json",
        CREDENTIALS_SIDECAR_RUNTIME_DIR: "relative/dir",
      },
      aToken,
    );

    expect(early.logLevel).toBe("info");
    expect(early.runtimeApi).toBe("127.0.0.1:9001");
    expect(refusalMessage({ ok: false, problems: problemsOf(early.settings) })).toBe(
      'CREDENTIALS_SIDECAR_PORT must be a port number from 1 to 65535 (or 0: any free port), got "0x50"; ' +
        'CREDENTIALS_SIDECAR_LOG_LEVEL must be debug, info, warn or error, got "loud"; ' +
        'CREDENTIALS_SIDECAR_METRICS must be emf or off, got "json"; ' +
        'CREDENTIALS_SIDECAR_RUNTIME_DIR must be an absolute path, got "relative/dir"',
    );
  });
});

describe("planStartUp", () => {
  it("plans a Lambda start: port, generated token, runtime files, session names, STS region, metrics", () => {
    const { planned, tokensMade } = plan({
      env: { AWS_LAMBDA_EXEC_WRAPPER: WRAPPER },
      loaded: loadedOk(configOf(role("reader"), role("writer", "us-east-1"))),
    });

    expect(planned.warnings).toEqual([]);
    expect(planOf(planned)).toEqual({
      config: configOf(role("reader"), role("writer", "us-east-1")),
      port: 9770,
      token: { value: GENERATED, source: "generated" },
      runtimeDir: "/tmp/credentials-sidecar",
      sessionNaming: { functionName: "orders", functionVersion: "7", instanceId: "c0ffee" },
      stsRegion: "eu-west-1",
      metrics: "emf",
      waitForLogStream: true,
    } satisfies StartUpPlan);
    expect(tokensMade).toBe(1);
  });

  it("names sessions after the sidecar outside Lambda, and waits for no log stream there", () => {
    const { planned } = plan({
      env: { AWS_LAMBDA_EXEC_WRAPPER: WRAPPER },
      settings: { runtimeApi: undefined, functionName: undefined, functionVersion: undefined },
    });

    expect(planOf(planned).sessionNaming).toEqual({
      functionName: "credentials-sidecar",
      instanceId: "c0ffee",
    });
    expect(planOf(planned).waitForLogStream).toBe(false);
  });

  it("waits for no log stream where the layer's wrapper is not the exec wrapper", () => {
    expect(
      planOf(plan({ env: { AWS_LAMBDA_EXEC_WRAPPER: "/opt/otel-instrument" } }).planned).waitForLogStream,
    ).toBe(false);
    expect(planOf(plan({}).planned).waitForLogStream).toBe(false);
  });

  it.each([
    ["unset", {}],
    ["pointing here", { AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://127.0.0.1:9770/roles/reader" }],
  ])("adopts the user's token when the full URI is %s, generating none", (_title, uri) => {
    const { planned, tokensMade } = plan({ env: { AWS_CONTAINER_AUTHORIZATION_TOKEN: USER_TOKEN, ...uri } });

    expect(planOf(planned).token).toEqual({ value: USER_TOKEN, source: "AWS_CONTAINER_AUTHORIZATION_TOKEN" });
    expect(tokensMade).toBe(0);
  });

  it("generates a token when the user's belongs to another endpoint (SnapStart's)", () => {
    const { planned } = plan({
      env: {
        AWS_CONTAINER_AUTHORIZATION_TOKEN: "x",
        AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://169.254.170.2/v1/credentials",
      },
    });

    expect(planOf(planned).token).toEqual({ value: GENERATED, source: "generated" });
  });

  it("passes the config's notes on as warnings", () => {
    const note = "CREDENTIALS_SIDECAR_ROLE_ARN is ignored because the config file /x.yaml is used";
    const { planned } = plan({ loaded: loadedOk(configOf(role("reader")), [note]) });

    expect(planned).toMatchObject({ ok: true, warnings: [note] });
  });

  it("refuses an invalid config with today's message: source, count and one line per problem", () => {
    const { planned, tokensMade } = plan({
      loaded: {
        ok: false,
        source: "/var/task/credentials-sidecar.yaml",
        problems: [
          { path: "roles.reader.DurationSeconds", message: "must be at most 43200" },
          { path: "", message: "default names no role" },
        ],
      },
    });

    expect(problemsOf(planned)).toEqual([
      "Invalid config (/var/task/credentials-sidecar.yaml), 2 problems:\n" +
        "  roles.reader.DurationSeconds: must be at most 43200\n" +
        "  default names no role",
    ]);
    expect(planned.warnings).toEqual([]);
    // The token is chosen before `register`, so before the config is read: one was made.
    expect(tokensMade).toBe(1);
  });

  it("refuses when no config is found, with the loader's one problem", () => {
    const message =
      "no config found: set CREDENTIALS_SIDECAR_ROLE_ARN, or ship /a.yaml, or point CREDENTIALS_SIDECAR_CONFIG at a file";
    const { planned } = plan({
      loaded: { ok: false, source: "configuration", problems: [{ path: "", message }] },
    });

    expect(refusalMessage(planned.ok ? { ok: false, problems: [] } : planned)).toBe(
      `Invalid config (configuration), 1 problem:\n  ${message}`,
    );
  });

  it("refuses roles without a region when there is no AWS_REGION, naming them, after the config's warnings", () => {
    const { planned } = plan({
      settings: { region: undefined },
      loaded: loadedOk(configOf(role("reader"), role("writer", "us-east-1"), role("audit")), ["a note"]),
    });

    expect(problemsOf(planned)).toEqual([
      "no region for roles reader, audit: set AWS_REGION or roles.<name>.region",
    ]);
    expect(planned.warnings).toEqual(["a note"]);
  });

  it("plans without AWS_REGION when every role has its own", () => {
    const { planned } = plan({
      settings: { region: undefined },
      loaded: loadedOk(configOf(role("reader", "eu-west-1"))),
    });

    expect(planOf(planned).stsRegion).toBeUndefined();
  });

  it.each([
    ["", "is set but empty"],
    [" padded-token-0123456789", "has spaces or tabs at its start or end"],
    ["line\nbreak-0123456789", "holds control characters"],
    ["short", "must be at least 16 characters"],
  ])("refuses a token no SDK could send (%j), naming the variable but never the value", (token, reason) => {
    const { planned, tokensMade } = plan({ env: { AWS_CONTAINER_AUTHORIZATION_TOKEN: token } });

    const [problem, ...more] = problemsOf(planned);
    expect(more).toEqual([]);
    expect(problem?.startsWith(`AWS_CONTAINER_AUTHORIZATION_TOKEN ${reason}`)).toBe(true);
    if (token.trim() !== "") expect(problem).not.toContain(token.trim());
    expect(tokensMade).toBe(0);
  });

  it("reads the environment without changing it", () => {
    const env = {
      AWS_CONTAINER_AUTHORIZATION_TOKEN: USER_TOKEN,
      AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://127.0.0.1:9770/roles/reader",
      AWS_LAMBDA_EXEC_WRAPPER: WRAPPER,
    };
    const before = { ...env };

    plan({ env });

    expect(env).toEqual(before);
  });
});
