// Lambda function (Node.js, AWS SDK for JavaScript v3) using the credentials-sidecar layer.
//
// The default role needs no code at all: the layer's exec wrapper (AWS_LAMBDA_EXEC_WRAPPER=
// /opt/credentials-sidecar/wrapper) points the SDK's default credential chain at the sidecar, so
// `new STSClient({})` already acts as the config's `default` role.
//
// Any other role of the config is one explicit provider away: `sidecarRole("audit")`.
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { fromHttp } from "@aws-sdk/credential-provider-http";

/**
 * Credentials of the sidecar's role `name`, for a client's `credentials` option. The client caches
 * them and calls the provider again 5 minutes before they expire (the sidecar always serves more).
 */
export function sidecarRole(name) {
  const rolesUrl = process.env.CREDENTIALS_SIDECAR_ROLES_URL;
  if (!rolesUrl) {
    throw new Error(
      "CREDENTIALS_SIDECAR_ROLES_URL is not set: run the function through the layer's wrapper (AWS_LAMBDA_EXEC_WRAPPER=/opt/credentials-sidecar/wrapper)",
    );
  }
  return fromHttp({
    awsContainerCredentialsFullUri: `${rolesUrl}${name}`,
    awsContainerAuthorizationToken:
      process.env.CREDENTIALS_SIDECAR_AUTHORIZATION_TOKEN ?? process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN,
  });
}

// Clients are created once per execution environment and reused across invocations.
const defaultSts = new STSClient({});
const auditSts = new STSClient({ credentials: sidecarRole("audit") });

export const handler = async () => {
  const [byDefault, audit] = await Promise.all([
    defaultSts.send(new GetCallerIdentityCommand({})),
    auditSts.send(new GetCallerIdentityCommand({})),
  ]);
  return { default: byDefault.Arn, audit: audit.Arn };
};
