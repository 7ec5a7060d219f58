/**
 * Every environment variable the sidecar, its layer wrapper and its CLI read or set, in one place.
 * The README's table is checked against `ENVIRONMENT_VARIABLES` by a test, so add new ones here first.
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
 * Credential sources SDKs read before container credentials, which the wrapper moves aside (as
 * CREDENTIALS_SIDECAR_MOVED_<name>) when it makes a configured role the default.
 */
export const MOVED_ASIDE = [
  "AWS_SHARED_CREDENTIALS_FILE",
  "AWS_CONFIG_FILE",
  "AWS_PROFILE",
  "AWS_DEFAULT_PROFILE",
  "AWS_ROLE_ARN",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
] as const;
/** Of those, the files the wrapper then points at /dev/null, so that ~/.aws is not read either. */
export const PINNED_TO_DEV_NULL = ["AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE"] as const;

export const DEFAULT_PORT = 9770;
export const DEFAULT_RUNTIME_DIR = "/tmp/credentials-sidecar";
export const DEFAULT_CONFIG_PATHS = ["/var/task/credentials-sidecar.yaml", "/opt/credentials-sidecar.yaml"];

export const ENVIRONMENT_VARIABLES: readonly EnvironmentVariable[] = [
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
    readBy: "wrapper",
    default: "false",
    description:
      "`true`: the wrapper leaves the execution role as the SDKs' default and only adds the token and roles URL.",
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
  ...MOVED_ASIDE.map(
    (name): EnvironmentVariable => ({
      name: `CREDENTIALS_SIDECAR_MOVED_${name}`,
      readBy: "set by wrapper",
      description: `The function's \`${name}\`, moved out of the SDKs' way with a default role${
        (PINNED_TO_DEV_NULL as readonly string[]).includes(name)
          ? " (the variable itself is then `/dev/null`)"
          : ""
      }.`,
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

/** Reads a variable, treating an empty value as unset (Lambda consoles make empty values easy to leave). */
export function readEnv(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === "" ? undefined : value;
}
