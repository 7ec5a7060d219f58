/**
 * A new user's machine for newUser.test.ts: folders outside the clone, an environment with nothing of
 * the clone in it (no npm_* variables from the npm that started the tests, no PATH entry inside the
 * clone), npm installs bounded in time, and what the README tells them to type and paste.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { delimiter } from "node:path";

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment of a shell on the user's machine: this one without the clone in it. */
export function userEnv(repo: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(name) || name === "INIT_CWD" || name.startsWith("VITEST")) continue;
    env[name] = value;
  }
  env.PATH = (process.env.PATH ?? "")
    .split(delimiter)
    .filter((entry) => entry !== "" && !entry.startsWith(repo.replace(/\/$/, "")))
    .join(delimiter);
  return {
    ...env,
    npm_config_update_notifier: "false",
    npm_config_fund: "false",
    npm_config_audit: "false",
    ...extra,
  };
}

export function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      command,
      [...args],
      { cwd: options.cwd, env: options.env, timeout: options.timeoutMs, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : null;
        resolve({
          code,
          stdout,
          stderr: error !== null && code === null ? `${stderr}\n${error.message}` : stderr,
        });
      },
    );
  });
}

/** The README's fenced blocks of one language, in order. */
export function fencedBlocks(markdown: string, language: string): string[] {
  const blocks: string[] = [];
  const fence = new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\`$`, "gm");
  for (const match of markdown.matchAll(fence)) blocks.push(match[1] ?? "");
  return blocks;
}

/** What the README says to paste into a CDK stack, and the install command before it. */
export function readmeCdkQuickStart(readmePath: string): { install: string[]; snippet: string } {
  const readme = readFileSync(readmePath, "utf8");
  const snippet = fencedBlocks(readme, "ts").find((block) =>
    block.includes('from "credentials-sidecar/cdk"'),
  );
  if (snippet === undefined)
    throw new Error(`${readmePath} has no \`\`\`ts block importing credentials-sidecar/cdk`);
  const line = fencedBlocks(readme, "sh")
    .flatMap((block) => block.split("\n"))
    .find((l) => /^npm install credentials-sidecar\b/.test(l));
  if (line === undefined)
    throw new Error(`${readmePath} has no \`npm install credentials-sidecar ...\` line`);
  const install = (line.split("#")[0] ?? "").trim().split(/\s+/).slice(2);
  return { install, snippet };
}

/**
 * A CDK app around the snippet as a user pastes it. A snippet that is a stack class (`export class
 * X extends Stack`) is used whole and instantiated; otherwise its imports go at the top and the rest
 * into a stack's constructor, where `this` is the stack and `myFunction` a Python function of the
 * snippet's architecture. The app's own names are suffixed, so they cannot collide with the snippet's.
 */
export function cdkApp(snippet: string, stackName: string): string {
  const stackClass = /^export class (\w+) extends Stack\b/m.exec(snippet)?.[1];
  if (stackClass !== undefined) {
    return `import { App as AppOfTest } from "aws-cdk-lib";
${snippet.trimEnd()}

const app = new AppOfTest({ outdir: "cdk.out" });
new ${stackClass}(app, ${JSON.stringify(stackName)}, { env: { account: "111122223333", region: "eu-west-1" } });
app.synth();
`;
  }
  const lines = snippet.trimEnd().split("\n");
  const imports = lines.filter((line) => line.startsWith("import "));
  const body = lines.filter((line) => !line.startsWith("import "));
  const architecture = /Architecture\.ARM_64/.test(snippet) ? "ARM_64" : "X86_64";
  return `import { App as AppOfTest, Stack as StackOfTest } from "aws-cdk-lib";
import * as lambdaOfTest from "aws-cdk-lib/aws-lambda";
${imports.join("\n")}

class SidecarStack extends StackOfTest {
  constructor(scope: AppOfTest, id: string) {
    super(scope, id, { env: { account: "111122223333", region: "eu-west-1" } });
    const myFunction = new lambdaOfTest.Function(this, "MyFunction", {
      runtime: lambdaOfTest.Runtime.PYTHON_3_13,
      architecture: lambdaOfTest.Architecture.${architecture},
      handler: "index.handler",
      code: lambdaOfTest.Code.fromInline("def handler(event, context):\\n    return None\\n"),
    });
    // The README's snippet, verbatim:
${body.map((line) => (line === "" ? "" : `    ${line}`)).join("\n")}
  }
}

const app = new AppOfTest({ outdir: "cdk.out" });
new SidecarStack(app, ${JSON.stringify(stackName)});
app.synth();
`;
}
