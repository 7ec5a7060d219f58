/**
 * Credential sources SDKs read before container credentials, each planted in a function's
 * environment (and its HOME); every one resolves to another identity than the sidecar's (moto's base
 * user, or a web-identity role). The exec wrapper moves them aside: sdkClients.test.ts checks it with
 * every SDK client.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { MotoEnvironment } from "../../../extension/test/support/moto.js";

const keysIni = (moto: MotoEnvironment, profile: string, prefix = "") =>
  `[${prefix}${profile}]\naws_access_key_id = ${moto.base.accessKeyId}\naws_secret_access_key = ${moto.base.secretAccessKey}\n`;

/**
 * A credential source SDKs read before container credentials, planted in the function's environment;
 * every one resolves to another identity than the sidecar's (the base user, or a web-identity role).
 */
export interface PlantedSource {
  name: string;
  plant: (home: string, moto: MotoEnvironment) => Record<string, string | undefined>;
}

export const PLANTED: PlantedSource[] = [
  {
    name: "AWS_SHARED_CREDENTIALS_FILE naming a file with default keys",
    plant: (home, moto) => {
      writeFileSync(join(home, "credentials"), keysIni(moto, "default"));
      return { AWS_SHARED_CREDENTIALS_FILE: join(home, "credentials") };
    },
  },
  {
    name: "AWS_CONFIG_FILE naming a file whose default profile has keys",
    plant: (home, moto) => {
      writeFileSync(join(home, "config"), keysIni(moto, "default"));
      return { AWS_CONFIG_FILE: join(home, "config") };
    },
  },
  {
    name: "AWS_PROFILE naming a profile with keys in ~/.aws/credentials",
    plant: (home, moto) => {
      writeFileSync(join(home, ".aws", "credentials"), keysIni(moto, "planted"));
      return { AWS_PROFILE: "planted", AWS_CONFIG_FILE: undefined, AWS_SHARED_CREDENTIALS_FILE: undefined };
    },
  },
  {
    name: "AWS_DEFAULT_PROFILE naming a profile with keys in ~/.aws/credentials",
    plant: (home, moto) => {
      writeFileSync(join(home, ".aws", "credentials"), keysIni(moto, "planted"));
      return {
        AWS_DEFAULT_PROFILE: "planted",
        AWS_CONFIG_FILE: undefined,
        AWS_SHARED_CREDENTIALS_FILE: undefined,
      };
    },
  },
  {
    name: "~/.aws/credentials with default keys, no variable",
    plant: (home, moto) => {
      writeFileSync(join(home, ".aws", "credentials"), keysIni(moto, "default"));
      return { AWS_CONFIG_FILE: undefined, AWS_SHARED_CREDENTIALS_FILE: undefined };
    },
  },
  {
    name: "~/.aws/config whose default profile has keys, no variable",
    plant: (home, moto) => {
      writeFileSync(join(home, ".aws", "config"), keysIni(moto, "default"));
      return { AWS_CONFIG_FILE: undefined, AWS_SHARED_CREDENTIALS_FILE: undefined };
    },
  },
  {
    name: "AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE",
    plant: (home, moto) => {
      writeFileSync(join(home, "web-identity-token"), "planted-web-identity-token");
      return {
        AWS_ROLE_ARN: moto.roles.external,
        AWS_WEB_IDENTITY_TOKEN_FILE: join(home, "web-identity-token"),
        AWS_ROLE_SESSION_NAME: "planted",
      };
    },
  },
];
