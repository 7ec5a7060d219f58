// Function code for tests that names its credentials instead of using the default chain, as the
// README shows: `role <name>` asks the sidecar for that role by URL (CREDENTIALS_SIDECAR_ROLES_URL,
// set by the wrapper), `execution` uses the execution role's keys the wrapper moved aside, and
// `container` names the container provider, which reads AWS_CONTAINER_CREDENTIALS_FULL_URI and
// AWS_CONTAINER_AUTHORIZATION_TOKEN whatever keys are in the environment (the no-wrapper set-up).
// Prints one JSON line: {"arn", "envKeys"} (envKeys: whether AWS_ACCESS_KEY_ID is in the environment).
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { fromHttp } from "@aws-sdk/credential-provider-http";

const [mode, role] = process.argv.slice(2);

function credentials() {
  if (mode === "role" && role) {
    return fromHttp({
      awsContainerCredentialsFullUri: `${process.env.CREDENTIALS_SIDECAR_ROLES_URL}${role}`,
      awsContainerAuthorizationToken: process.env.CREDENTIALS_SIDECAR_AUTHORIZATION_TOKEN,
    });
  }
  if (mode === "execution") {
    return {
      accessKeyId: process.env.CREDENTIALS_SIDECAR_EXECUTION_ROLE_ACCESS_KEY_ID,
      secretAccessKey: process.env.CREDENTIALS_SIDECAR_EXECUTION_ROLE_SECRET_ACCESS_KEY,
      sessionToken: process.env.CREDENTIALS_SIDECAR_EXECUTION_ROLE_SESSION_TOKEN,
    };
  }
  if (mode === "container") return fromHttp();
  throw new Error("usage: explicit-credentials.mjs role <name> | execution | container");
}

try {
  const sts = new STSClient({ credentials: credentials() });
  const identity = await sts.send(new GetCallerIdentityCommand({}));
  process.stdout.write(
    `${JSON.stringify({ arn: identity.Arn, envKeys: "AWS_ACCESS_KEY_ID" in process.env })}\n`,
  );
} catch (error) {
  console.error(`explicit-credentials.mjs: ${error?.name ?? "Error"}: ${error?.message ?? error}`);
  process.exitCode = 1;
}
