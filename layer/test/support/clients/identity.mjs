// Which identity does the JS SDK v3 default credential chain resolve to? Prints one JSON line {"Arn"};
// on error, a message on stderr and exit status 1. The SDK reads AWS_ENDPOINT_URL_STS itself.
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";

try {
  const identity = await new STSClient({}).send(new GetCallerIdentityCommand({}));
  process.stdout.write(`${JSON.stringify({ Arn: identity.Arn })}\n`);
} catch (error) {
  console.error(`identity.mjs: ${error?.name ?? "Error"}: ${error?.message ?? error}`);
  process.exitCode = 1;
}
