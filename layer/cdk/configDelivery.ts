import { Token } from "aws-cdk-lib";
import { stringify } from "yaml";
import { ENV } from "../../extension/src/startup/env.js";
import type { SidecarConfigObject } from "./sidecarConfigObject.js";

/** Where the config layer puts the file: /opt is where Lambda unpacks layers. */
export const CONFIG_FILE_NAME = "credentials-sidecar.yaml";
export const CONFIG_FILE_PATH = `/opt/${CONFIG_FILE_NAME}`;

/** The config file's text: the object as YAML, after a line saying where it came from. */
export function configFileText(config: SidecarConfigObject): string {
  return `# Written by the CredentialsSidecar CDK construct at synth time.\n${stringify(config)}`;
}

const VARIABLE_OF_KEY = {
  RoleArn: ENV.roleArn,
  RoleSessionName: ENV.roleSessionName,
  ExternalId: ENV.externalId,
  SourceIdentity: ENV.sourceIdentity,
  generateSourceIdentity: ENV.generateSourceIdentity,
  DurationSeconds: ENV.durationSeconds,
  region: ENV.roleRegion,
} as const;

/**
 * The CREDENTIALS_SIDECAR_* variables for a config of one role whose keys all have one (checked
 * before: sidecarConfigProblems). The extension serves it as the role named `default`.
 */
export function configEnvironment(config: SidecarConfigObject): Record<string, string> {
  const [role] = Object.values(config.roles);
  if (role === undefined) return {};
  const variables: Record<string, string> = {};
  for (const [key, variable] of Object.entries(VARIABLE_OF_KEY)) {
    const value = role[key as keyof typeof VARIABLE_OF_KEY];
    if (value === undefined) continue;
    // A number token (from a CfnParameter, say) must become a string token, not its number's digits.
    variables[variable] =
      typeof value === "number" && Token.isUnresolved(value) ? Token.asString(value) : String(value);
  }
  return variables;
}
