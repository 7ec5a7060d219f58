/**
 * Credential sources SDKs read before container credentials, each planted in a function's
 * environment (and its HOME); every one resolves to another identity than the sidecar's (moto's base
 * user, or a web-identity role). The exec wrapper moves them aside: sdkClients.test.ts checks it with
 * every SDK client.
 */
import { writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Credentials } from "@aws-sdk/client-sts";
import type { MotoEnvironment } from "../../../extension/test/support/moto.js";

const keysIni = (moto: MotoEnvironment, profile: string, prefix = "") =>
  `[${prefix}${profile}]\naws_access_key_id = ${moto.base.accessKeyId}\naws_secret_access_key = ${moto.base.secretAccessKey}\n`;

/** Another container-credentials endpoint (a function ported from ECS or EKS) and its token. */
export interface OtherContainerEndpoint {
  url: string;
  token: string;
}

/**
 * A credential variable an SDK reads, planted in the function's environment; every one resolves to
 * another identity than the sidecar's (the base user, a web-identity role, another endpoint's role)
 * or makes the sidecar refuse the request (another token), unless the wrapper or `local` handles it.
 */
export interface PlantedSource {
  name: string;
  plant: (
    home: string,
    moto: MotoEnvironment,
    other: OtherContainerEndpoint,
  ) => Record<string, string | undefined>;
}

/**
 * Another container-credentials endpoint (a function ported from ECS or EKS) on a port of its own,
 * serving `credentials` (another role session) to requests with its token, 403 to others.
 */
export async function startOtherContainerEndpoint(
  credentials: Credentials | undefined,
): Promise<OtherContainerEndpoint & { close(): void }> {
  const token = "token-of-the-other-endpoint";
  const server = createServer((request, response) => {
    const ok = request.headers.authorization === token;
    response.writeHead(ok ? 200 : 403, { "content-type": "application/json" });
    const body = ok
      ? {
          AccessKeyId: credentials?.AccessKeyId,
          SecretAccessKey: credentials?.SecretAccessKey,
          Token: credentials?.SessionToken,
          Expiration: credentials?.Expiration?.toISOString().replace(/\.\d+Z$/, "Z"),
        }
      : { Code: "AccessDenied", Message: "not this endpoint's token" };
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/credentials`,
    token,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** Sent instead of the sidecar's by an SDK that reads a planted token or token file: 403. */
export const OTHER_TOKEN = "planted-token-of-another-endpoint";

export const PLANTED: PlantedSource[] = [
  {
    name: "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY of another identity",
    plant: (_home, moto) => ({
      AWS_ACCESS_KEY_ID: moto.base.accessKeyId,
      AWS_SECRET_ACCESS_KEY: moto.base.secretAccessKey,
      AWS_SESSION_TOKEN: undefined,
    }),
  },
  {
    name: "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE naming a file with another token (EKS Pod Identity)",
    plant: (home) => {
      writeFileSync(join(home, "eks-pod-identity-token"), OTHER_TOKEN);
      return { AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: join(home, "eks-pod-identity-token") };
    },
  },
  {
    name: "AWS_CONTAINER_AUTHORIZATION_TOKEN of another value",
    plant: () => ({ AWS_CONTAINER_AUTHORIZATION_TOKEN: OTHER_TOKEN }),
  },
  {
    name: "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (ECS)",
    plant: () => ({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/v2/credentials/planted" }),
  },
  {
    name: "AWS_CONTAINER_CREDENTIALS_FULL_URI and its token, of another endpoint",
    plant: (_home, _moto, other) => ({
      AWS_CONTAINER_CREDENTIALS_FULL_URI: other.url,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: other.token,
    }),
  },
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
