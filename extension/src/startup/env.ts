/**
 * Every environment variable the sidecar, its layer wrapper and its CLI read or set, in one place.
 * The docs' table (docs/configuration.md) is checked against `ENVIRONMENT_VARIABLES` by a test, so add new ones here first.
 */

export interface EnvironmentVariable {
  readonly name: string;
  /** Who reads it: the extension process, the exec wrapper (runtime side), or both. */
  readonly readBy: "extension" | "launcher" | "wrapper" | "extension and wrapper" | "set by wrapper";
  readonly default?: string;
  readonly description: string;
}

export const ENV = {
  config: "CREDENTIALS_SIDECAR_CONFIG",
  roleArn: "CREDENTIALS_SIDECAR_ROLE_ARN",
  roleSessionName: "CREDENTIALS_SIDECAR_ROLE_SESSION_NAME",
  externalId: "CREDENTIALS_SIDECAR_EXTERNAL_ID",
  sourceIdentity: "CREDENTIALS_SIDECAR_SOURCE_IDENTITY",
  generateSourceIdentity: "CREDENTIALS_SIDECAR_GENERATE_SOURCE_IDENTITY",
  durationSeconds: "CREDENTIALS_SIDECAR_DURATION_SECONDS",
  roleRegion: "CREDENTIALS_SIDECAR_REGION",
  port: "CREDENTIALS_SIDECAR_PORT",
  runtimeDir: "CREDENTIALS_SIDECAR_RUNTIME_DIR",
  logLevel: "CREDENTIALS_SIDECAR_LOG_LEVEL",
  metrics: "CREDENTIALS_SIDECAR_METRICS",
  keepExecutionRole: "CREDENTIALS_SIDECAR_KEEP_EXECUTION_ROLE",
  rolesUrl: "CREDENTIALS_SIDECAR_ROLES_URL",
  sidecarToken: "CREDENTIALS_SIDECAR_AUTHORIZATION_TOKEN",
  executionRoleAccessKeyId: "CREDENTIALS_SIDECAR_EXECUTION_ROLE_ACCESS_KEY_ID",
  executionRoleSecretAccessKey: "CREDENTIALS_SIDECAR_EXECUTION_ROLE_SECRET_ACCESS_KEY",
  executionRoleSessionToken: "CREDENTIALS_SIDECAR_EXECUTION_ROLE_SESSION_TOKEN",
  executionRoleFullUri: "CREDENTIALS_SIDECAR_EXECUTION_ROLE_CREDENTIALS_FULL_URI",
  executionRoleAuthorizationToken: "CREDENTIALS_SIDECAR_EXECUTION_ROLE_AUTHORIZATION_TOKEN",
  node: "CREDENTIALS_SIDECAR_NODE",
  nextWrapper: "CREDENTIALS_SIDECAR_NEXT_WRAPPER",
  nextWrapperStarted: "CREDENTIALS_SIDECAR_NEXT_WRAPPER_STARTED",
  // Set by Lambda or by the user for the SDKs; read here, never defined by us.
  runtimeApi: "AWS_LAMBDA_RUNTIME_API",
  execWrapper: "AWS_LAMBDA_EXEC_WRAPPER",
  functionName: "AWS_LAMBDA_FUNCTION_NAME",
  functionVersion: "AWS_LAMBDA_FUNCTION_VERSION",
  lambdaLogLevel: "AWS_LAMBDA_LOG_LEVEL",
  /** `lambda-managed-instances` on Managed Instances (also `on-demand`, `provisioned-concurrency`, `snap-start`). */
  initializationType: "AWS_LAMBDA_INITIALIZATION_TYPE",
  region: "AWS_REGION",
  defaultRegion: "AWS_DEFAULT_REGION",
  endpointUrlSts: "AWS_ENDPOINT_URL_STS",
  endpointUrl: "AWS_ENDPOINT_URL",
  // The base credentials and the SDK settings that decide whether AssumeRole goes through the SDK
  // (sts/assumerChoice.ts, sts/stsEndpoint.ts).
  accessKeyId: "AWS_ACCESS_KEY_ID",
  secretAccessKey: "AWS_SECRET_ACCESS_KEY",
  sessionToken: "AWS_SESSION_TOKEN",
  profile: "AWS_PROFILE",
  defaultProfile: "AWS_DEFAULT_PROFILE",
  configFile: "AWS_CONFIG_FILE",
  sharedCredentialsFile: "AWS_SHARED_CREDENTIALS_FILE",
  webIdentityRoleArn: "AWS_ROLE_ARN",
  webIdentityTokenFile: "AWS_WEB_IDENTITY_TOKEN_FILE",
  containerCredentialsRelativeUri: "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  useFipsEndpoint: "AWS_USE_FIPS_ENDPOINT",
  useDualstackEndpoint: "AWS_USE_DUALSTACK_ENDPOINT",
  stsRegionalEndpoints: "AWS_STS_REGIONAL_ENDPOINTS",
  ignoreConfiguredEndpointUrls: "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
  // Proxies for the STS clients (sts/stsHttp.ts), read by node's agents as curl reads them: the
  // lower-case spelling first.
  httpsProxy: "HTTPS_PROXY",
  httpsProxyLower: "https_proxy",
  httpProxy: "HTTP_PROXY",
  httpProxyLower: "http_proxy",
  noProxy: "NO_PROXY",
  noProxyLower: "no_proxy",
  containerCredentialsFullUri: "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  containerAuthorizationToken: "AWS_CONTAINER_AUTHORIZATION_TOKEN",
  containerAuthorizationTokenFile: "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
} as const;

/**
 * What the exec wrapper does with each variable an SDK reads for credentials, so that the runtime's
 * SDKs use the sidecar: the one list. The wrapper's generated block (layer/test/wrapperLists.test.ts
 * keeps it equal) and `local`'s shell lines (devkit/cli/shellEnv.ts) are made from it.
 *   when: `sidecar token`: whenever the runtime gets the sidecar's token as
 *         AWS_CONTAINER_AUTHORIZATION_TOKEN; `default role`: when a configured role becomes the default.
 *   action: `move` to `to` and unset (then set to `pinnedTo` if given); `copy` to `to`, left in place
 *         (harmless to SDKs, wanted by something else); `unset`.
 * AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN are not here: the wrapper
 * replaces them itself (keeping SnapStart's pair as CREDENTIALS_SIDECAR_EXECUTION_ROLE_*).
 */
export interface CredentialVariable {
  readonly name: string;
  readonly when: "sidecar token" | "default role";
  readonly action: "move" | "copy" | "unset";
  readonly to?: string;
  readonly pinnedTo?: "/dev/null";
  /** why, one line (a comment in the wrapper) */
  readonly why?: string;
}

const moved = (name: string) => `CREDENTIALS_SIDECAR_MOVED_${name}`;

export const CREDENTIAL_VARIABLES: readonly CredentialVariable[] = [
  {
    name: ENV.containerAuthorizationTokenFile,
    when: "sidecar token",
    action: "move",
    to: moved(ENV.containerAuthorizationTokenFile),
    why: "newer SDKs read the token file before the token variable: they would send another token and get 403",
  },
  {
    name: ENV.accessKeyId,
    when: "default role",
    action: "move",
    to: ENV.executionRoleAccessKeyId,
    why: "every SDK's default chain reads environment keys before container credentials",
  },
  { name: ENV.secretAccessKey, when: "default role", action: "move", to: ENV.executionRoleSecretAccessKey },
  {
    name: ENV.sessionToken,
    when: "default role",
    action: "copy",
    to: ENV.executionRoleSessionToken,
    why: "no SDK uses a session token without a key id and secret; the Parameters and Secrets extension wants it",
  },
  {
    name: ENV.sharedCredentialsFile,
    when: "default role",
    action: "move",
    to: moved(ENV.sharedCredentialsFile),
    pinnedTo: "/dev/null",
    why: "profiles in the shared files (keys, role_arn, credential_process, SSO); /dev/null so ~/.aws is not read either",
  },
  {
    name: ENV.configFile,
    when: "default role",
    action: "move",
    to: moved(ENV.configFile),
    pinnedTo: "/dev/null",
  },
  {
    name: ENV.profile,
    when: "default role",
    action: "move",
    to: moved(ENV.profile),
    why: "a profile's keys, role or credential_process",
  },
  { name: ENV.defaultProfile, when: "default role", action: "move", to: moved(ENV.defaultProfile) },
  {
    name: ENV.webIdentityRoleArn,
    when: "default role",
    action: "move",
    to: moved(ENV.webIdentityRoleArn),
    why: "web identity",
  },
  {
    name: ENV.webIdentityTokenFile,
    when: "default role",
    action: "move",
    to: moved(ENV.webIdentityTokenFile),
  },
  {
    name: ENV.containerCredentialsRelativeUri,
    when: "default role",
    action: "unset",
    why: "SDKs that see both prefer the relative URI (ECS's, no endpoint in Lambda), which would bypass the sidecar",
  },
];

/** The variables the wrapper moves to CREDENTIALS_SIDECAR_MOVED_<name>. */
export const MOVED_ASIDE: readonly string[] = CREDENTIAL_VARIABLES.filter(
  (variable) => variable.to === moved(variable.name),
).map((variable) => variable.name);
/** Of those, the files the wrapper then points at /dev/null, so that ~/.aws is not read either. */
export const PINNED_TO_DEV_NULL: readonly string[] = CREDENTIAL_VARIABLES.filter(
  (variable) => variable.pinnedTo !== undefined,
).map((variable) => variable.name);

export const DEFAULT_PORT = 9770;
export const DEFAULT_RUNTIME_DIR = "/tmp/credentials-sidecar";
export const DEFAULT_CONFIG_PATHS = ["/var/task/credentials-sidecar.yaml", "/opt/credentials-sidecar.yaml"];

/**
 * The docs' table, built by a function the extension's bundles drop: nothing in them reads it, but an
 * array built with calls (join, filter) would otherwise stay in, ~8 KB in each, parsed at every start.
 */
export const ENVIRONMENT_VARIABLES: readonly EnvironmentVariable[] = /* @__PURE__ */ environmentVariables();

function environmentVariables(): readonly EnvironmentVariable[] {
  return [
    {
      name: ENV.config,
      readBy: "extension",
      default: DEFAULT_CONFIG_PATHS.join(", then "),
      description: "Path of the YAML config file.",
    },
    {
      name: ENV.roleArn,
      readBy: "extension",
      description: "Configure one role named `default` without a file (ignored when a config file exists).",
    },
    { name: ENV.roleSessionName, readBy: "extension", description: "`RoleSessionName` of that role." },
    { name: ENV.externalId, readBy: "extension", description: "`ExternalId` of that role." },
    { name: ENV.sourceIdentity, readBy: "extension", description: "`SourceIdentity` of that role." },
    {
      name: ENV.generateSourceIdentity,
      readBy: "extension",
      default: "false",
      description:
        "`true`: that role's `generateSourceIdentity` (a SourceIdentity made like the session name).",
    },
    { name: ENV.durationSeconds, readBy: "extension", description: "`DurationSeconds` of that role." },
    { name: ENV.roleRegion, readBy: "extension", description: "STS region of that role." },
    {
      name: ENV.port,
      readBy: "extension",
      default: String(DEFAULT_PORT),
      description:
        "Port of the credentials server on 127.0.0.1. `0`: any free port (for tests and local runs), which the `listening` log line and the runtime folder's `roles-url` report.",
    },
    {
      name: ENV.runtimeDir,
      readBy: "extension and wrapper",
      default: DEFAULT_RUNTIME_DIR,
      description:
        "Folder for the sidecar alone, where it leaves the token and endpoint for the wrapper: made (0700) when missing; an existing one must be this user's, not writable by others, and hold nothing but the sidecar's own files.",
    },
    {
      name: ENV.logLevel,
      readBy: "extension",
      default: "`AWS_LAMBDA_LOG_LEVEL`, else `info`",
      description: "`debug`, `info`, `warn` or `error`.",
    },
    {
      name: ENV.metrics,
      readBy: "extension",
      default: "off",
      description:
        "`emf`: CloudWatch Embedded Metric Format lines (namespace `CredentialsSidecar`) for assumptions, failures and requests served.",
    },
    {
      name: ENV.keepExecutionRole,
      readBy: "extension and wrapper",
      default: "false",
      description:
        "`true`: the wrapper leaves the execution role as the SDKs' default and only adds the token and roles URL. Any spelling but `true` or `false` stops the function (the extension's init fails, the wrapper refuses to start the runtime).",
    },
    {
      name: ENV.nextWrapper,
      readBy: "wrapper",
      description:
        "Absolute path of another layer's exec wrapper (e.g. `/opt/otel-instrument`): the wrapper sets up the environment, then runs that one with the runtime command.",
    },
    {
      name: ENV.node,
      readBy: "launcher",
      default: "the layer's `node`",
      description: "The `node` binary the layer's launcher runs the extension with.",
    },
    {
      name: ENV.rolesUrl,
      readBy: "set by wrapper",
      description: "`http://127.0.0.1:<port>/roles/`: append a role name for its container-credentials URL.",
    },
    {
      name: ENV.sidecarToken,
      readBy: "set by wrapper",
      description:
        "The sidecar's token, always (under SnapStart `AWS_CONTAINER_AUTHORIZATION_TOKEN` can be Lambda's): send it with a role URL.",
    },
    {
      name: ENV.executionRoleAccessKeyId,
      readBy: "set by wrapper",
      description: "The execution role's `AWS_ACCESS_KEY_ID`, kept for code that still needs it.",
    },
    {
      name: ENV.executionRoleSecretAccessKey,
      readBy: "set by wrapper",
      description: "The execution role's `AWS_SECRET_ACCESS_KEY`.",
    },
    {
      name: ENV.executionRoleSessionToken,
      readBy: "set by wrapper",
      description:
        "The execution role's `AWS_SESSION_TOKEN` (which also stays in place: no SDK uses it without the other two).",
    },
    ...CREDENTIAL_VARIABLES.filter((variable) => variable.to === moved(variable.name)).map(
      (variable): EnvironmentVariable => ({
        name: moved(variable.name),
        readBy: "set by wrapper",
        description: `The function's \`${variable.name}\`, moved out of the SDKs' way ${
          variable.when === "default role"
            ? "with a default role"
            : "whenever the runtime gets the sidecar's token"
        }${variable.pinnedTo !== undefined ? ` (the variable itself is then \`${variable.pinnedTo}\`)` : ""}.`,
      }),
    ),
    {
      name: ENV.nextWrapperStarted,
      readBy: "set by wrapper",
      description:
        "The next wrapper it handed over to; if this wrapper sees it set, the next wrapper led back here and it stops.",
    },
    {
      name: ENV.executionRoleFullUri,
      readBy: "set by wrapper",
      description:
        "Under SnapStart: Lambda's own container-credentials URL for the execution role, kept when the default role replaces it.",
    },
    {
      name: ENV.executionRoleAuthorizationToken,
      readBy: "set by wrapper",
      description: "Under SnapStart: the token that goes with that URL.",
    },
    {
      name: ENV.containerCredentialsFullUri,
      readBy: "set by wrapper",
      description:
        "The default role's URL for every SDK. When the extension sees it pointing at itself it ignores it for its own base credentials.",
    },
    {
      name: ENV.containerAuthorizationToken,
      readBy: "set by wrapper",
      description:
        "The token SDKs send. If you set it on the function yourself, the extension adopts it instead of generating one.",
    },
  ];
}

/**
 * A switch: `true` or `false`, exactly (unset or empty: `fallback`). Any other spelling is an error
 * naming the variable and the value, never read as false (the wrapper refuses the same way).
 */
export function readSwitch(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: boolean,
): { ok: true; value: boolean } | { ok: false; message: string } {
  const value = env[name];
  if (value === undefined || value === "") return { ok: true, value: fallback };
  if (value === "true" || value === "false") return { ok: true, value: value === "true" };
  return { ok: false, message: `must be true or false, got ${JSON.stringify(value)}` };
}

/** Reads a variable, treating an empty value as unset (Lambda consoles make empty values easy to leave). */
export function readEnv(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === "" ? undefined : value;
}
