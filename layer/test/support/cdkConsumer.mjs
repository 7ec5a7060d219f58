// A CDK app as a user writes one, importing the built construct by its package name
// (`credentials-sidecar/cdk`: dist/cdk/). Prints the synthesised template as JSON.
// argv[2]: the sidecar's config as JSON; argv[3]: "published" to pass a layer ARN, "default" to let
// the construct find the layer zip itself; argv[4]: the cloud assembly's folder.
import { App, Stack } from "aws-cdk-lib";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { CredentialsSidecar } from "credentials-sidecar/cdk";

const [config, layerChoice, outdir] = process.argv.slice(2);
const app = new App({ outdir });
const stack = new Stack(app, "Consumer", { env: { account: "111122223333", region: "eu-west-1" } });
const fn = new lambda.Function(stack, "Fn", {
  runtime: lambda.Runtime.PYTHON_3_13,
  handler: "index.handler",
  code: lambda.Code.fromInline("def handler(event, context): pass"),
});
const layer =
  layerChoice === "published"
    ? lambda.LayerVersion.fromLayerVersionArn(
        stack,
        "Published",
        "arn:aws:lambda:eu-west-1:111122223333:layer:cs:1",
      )
    : undefined;
new CredentialsSidecar(stack, "Sidecar", {
  architecture: lambda.Architecture.X86_64,
  config: JSON.parse(config),
  ...(layer === undefined ? {} : { layer }),
}).attachTo(fn);
process.stdout.write(JSON.stringify(app.synth().getStackByName("Consumer").template));
