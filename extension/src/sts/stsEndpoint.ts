/**
 * Where the direct AssumeRole client (directStsAssumer.ts) sends a role's calls, or undefined when
 * the environment asks for something only the AWS SDK resolves (FIPS or dual-stack endpoints, the
 * legacy global endpoint, a shared config file with content, an unknown partition, an odd URL): those go through
 * the SDK's STS client, so every setting it honours keeps working. Pure.
 */
import { ENV } from "../startup/env.js";

/**
 * What the caller knows beyond the variables: whether the shared config file the SDK would read
 * (`AWS_CONFIG_FILE`, else ~/.aws/config) exists with something in it. A variable naming no file,
 * or an empty one, changes nothing for the SDK.
 */
export interface EndpointContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly sharedConfigFileExists: boolean;
}

/** Settings that change the SDK's endpoint (or its source) in ways this resolver does not follow. */
const SDK_ONLY_SETTINGS = [
  ENV.useFipsEndpoint,
  ENV.useDualstackEndpoint,
  ENV.stsRegionalEndpoints,
  ENV.ignoreConfiguredEndpointUrls,
  ENV.profile,
  ENV.defaultProfile,
] as const;

/** Regions of the `aws`, `aws-us-gov` and `aws-cn` partitions, whose STS host the SDK's rules give as `sts.<region>.<suffix>`. */
const COMMERCIAL = /^(us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-\d{1,2}$/;
const GOV_CLOUD = /^us-gov-[a-z]+-\d{1,2}$/;
const CHINA = /^cn-[a-z]+-\d{1,2}$/;

function configuredUrl(value: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  const plain =
    (url.protocol === "https:" || url.protocol === "http:") && url.search === "" && url.hash === "";
  return plain && url.username === "" && url.password === "" ? url : undefined;
}

export function stsEndpoint(context: EndpointContext, region: string | undefined): URL | undefined {
  const { env } = context;
  if (context.sharedConfigFileExists) return undefined;
  if (SDK_ONLY_SETTINGS.some((name) => (env[name] ?? "") !== "")) return undefined;
  // As the SDK: the service's own variable first, then the one for every service.
  const configured = env[ENV.endpointUrlSts] || env[ENV.endpointUrl];
  if (configured) return configuredUrl(configured);
  if (region === undefined) return undefined;
  if (region.startsWith("us-iso") || region.startsWith("eu-iso")) return undefined;
  if (COMMERCIAL.test(region) || GOV_CLOUD.test(region))
    return new URL(`https://sts.${region}.amazonaws.com/`);
  if (CHINA.test(region)) return new URL(`https://sts.${region}.amazonaws.com.cn/`);
  return undefined;
}
