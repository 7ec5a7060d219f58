/**
 * Which AssumeRole client the roles use, loaded after `register`: the direct one (directStsAssumer.ts)
 * when the base credentials are keys in the environment, as Lambda provides them, else the AWS SDK's
 * STS client with its default credential chain (loaded only then, or for a role whose endpoint only
 * the SDK resolves).
 */
import { statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { ENV } from "../startup/env.js";
import type { AssumeFunction } from "./assumeFunction.js";
import type { SigningCredentials } from "./sigV4.js";

/**
 * The keys the SDK's chain would take from the environment first; undefined when it would not
 * (no keys, or a profile named, which makes the SDK skip environment keys).
 */
export function environmentKeys(env: NodeJS.ProcessEnv): SigningCredentials | undefined {
  const accessKeyId = env[ENV.accessKeyId];
  const secretAccessKey = env[ENV.secretAccessKey];
  if (!accessKeyId || !secretAccessKey || env[ENV.profile]) return undefined;
  const sessionToken = env[ENV.sessionToken];
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

/** `AWS_CONFIG_FILE`, else ~/.aws/config, exists and is not empty (as /dev/null and a missing file are). */
export function sharedConfigFileHasContent(env: NodeJS.ProcessEnv): boolean {
  const path = env[ENV.configFile] || join(homedir(), ".aws", "config");
  try {
    return statSync(path).size > 0;
  } catch {
    return false;
  }
}

async function loadSdkAssumer(region: string | undefined): Promise<AssumeFunction> {
  const { createSdkStsAssumer, defaultProvider } = await import("./sdkClient.js");
  return createSdkStsAssumer({ region, baseCredentials: defaultProvider() });
}

export async function loadAssumer(
  region: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<AssumeFunction> {
  const keys = environmentKeys(env);
  if (keys === undefined) return loadSdkAssumer(region);
  const [{ createDirectStsAssumer }, { stsEndpoint }] = await Promise.all([
    import("./directStsAssumer.js"),
    import("./stsEndpoint.js"),
  ]);
  // The SDK reads the shared config file (endpoints, FIPS, …) even with keys in the environment.
  const context = { env, sharedConfigFileExists: sharedConfigFileHasContent(env) };
  return createDirectStsAssumer({
    region,
    baseCredentials: keys,
    endpointFor: (roleRegion) => stsEndpoint(context, roleRegion),
    fallback: () => loadSdkAssumer(region),
  });
}
