// A CDK app as a user writes one, importing the built construct by its package name
// (`credentials-sidecar/cdk`: dist/cdk/). One process for every case, since loading aws-cdk-lib is
// most of its time. argv[2]: JSON list of {name, config, layer: "published" | "default"};
// argv[3]: a folder for the cloud assemblies. Prints {name: {template} | {error}} as JSON, and the
// temp folder it ran with as {tmpdir}.
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Stack } from "aws-cdk-lib";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { CredentialsSidecar } from "credentials-sidecar/cdk";

function synth({ name, config, layer }, outdir) {
  const app = new App({ outdir });
  const stack = new Stack(app, name, { env: { account: "111122223333", region: "eu-west-1" } });
  const fn = new lambda.Function(stack, "Fn", {
    runtime: lambda.Runtime.PYTHON_3_13,
    handler: "index.handler",
    code: lambda.Code.fromInline("def handler(event, context): pass"),
  });
  const published =
    layer === "published"
      ? lambda.LayerVersion.fromLayerVersionArn(
          stack,
          "Published",
          "arn:aws:lambda:eu-west-1:111122223333:layer:cs:1",
        )
      : undefined;
  new CredentialsSidecar(stack, "Sidecar", {
    architecture: lambda.Architecture.X86_64,
    config,
    ...(published === undefined ? {} : { layer: published }),
  }).attachTo(fn);
  return app.synth().getStackByName(name).template;
}

const [cases, folder] = process.argv.slice(2);
const results = { tmpdir: tmpdir() };
for (const one of JSON.parse(cases)) {
  try {
    results[one.name] = { template: synth(one, join(folder, one.name)) };
  } catch (error) {
    results[one.name] = { error: String(error.message) };
  }
}
process.stdout.write(JSON.stringify(results));
