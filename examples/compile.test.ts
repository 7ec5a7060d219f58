/**
 * The examples that need a toolchain this project does not install: each check runs when the tools and
 * the SDK are on the machine (no module or Maven downloads: those registries are not reachable here)
 * and is skipped with the reason in its name otherwise.
 *  - Go: builds examples/go/main.go in GOPATH mode against Debian's aws-sdk-go-v2 sources, with a
 *    stand-in for the aws-lambda-go package (not packaged by Debian).
 *  - Java: `mvn -o compile` when the pom's dependencies are already in the local Maven repository.
 *  - Terraform: `terraform fmt -check`, no literal `arn:aws:`, and `terraform validate` when `terraform init`
 *    can fetch the providers from the Terraform registry.
 */
import { execFile, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { buildGoExample, goMissing } from "./support/go.js";

const EXAMPLES = fileURLToPath(new URL(".", import.meta.url));
const M2 = join(homedir(), ".m2", "repository");

function runs(command: string, args: string[]): boolean {
  return spawnSync(command, args, { encoding: "utf8", timeout: 30_000 }).status === 0;
}

function javaMissing(): string | undefined {
  if (!runs("mvn", ["--version"])) return "no Maven";
  const pom = readFileSync(join(EXAMPLES, "java/pom.xml"), "utf8");
  const sdkVersion = /<aws\.sdk\.version>([^<]+)</.exec(pom)?.[1] ?? "";
  const sts = join(M2, "software/amazon/awssdk/sts", sdkVersion);
  if (!existsSync(sts))
    return `the AWS SDK for Java ${sdkVersion} is not in ${M2} (Maven Central unreachable)`;
  return undefined;
}

function terraformMissing(): string | undefined {
  return runs("terraform", ["version"]) ? undefined : "terraform is not installed";
}

function title(check: string, missing: string | undefined): string {
  return missing === undefined ? check : `${check} (SKIPPED: ${missing})`;
}

function run(
  command: string,
  args: string[],
  options: { cwd: string; env: Record<string, string> },
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { ...options, timeout: 240_000, killSignal: "SIGKILL" },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : null;
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

const baseEnv = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? homedir() };

describe("examples/go", () => {
  const missing = goMissing();

  it.skipIf(missing !== undefined)(
    title("main.go compiles against aws-sdk-go-v2 (endpointcreds + CredentialsCache)", missing),
    async () => {
      const build = await buildGoExample();
      expect(build.output).toBe("");
      expect(build.code).toBe(0);
      expect(existsSync(build.binary)).toBe(true);
    },
  );
});

describe("examples/java", () => {
  const missing = javaMissing();

  it.skipIf(missing !== undefined)(title("compiles offline with Maven", missing), async () => {
    const project = mkdtempSync(join(tmpdir(), "examples-java-"));
    cpSync(join(EXAMPLES, "java"), project, { recursive: true });
    const result = await run("mvn", ["-o", "-q", "compile"], { cwd: project, env: baseEnv });
    expect(result.output).toBe("");
    expect(result.code).toBe(0);
  });
});

describe("examples/terraform", () => {
  const missing = terraformMissing();

  it.skipIf(missing !== undefined)(title("is formatted (terraform fmt -check)", missing), async () => {
    const result = await run("terraform", ["fmt", "-check", "-diff", "-recursive", "."], {
      cwd: join(EXAMPLES, "terraform"),
      env: baseEnv,
    });
    expect(result.output).toBe("");
    expect(result.code).toBe(0);
  });

  it("builds every ARN with the partition, never a literal arn:aws:", () => {
    const files = ["main.tf", "outputs.tf", "variables.tf"].map((name) =>
      readFileSync(join(EXAMPLES, "terraform", name), "utf8"),
    );
    expect(files.join("\n")).not.toMatch(/"arn:aws:/);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Terraform interpolation, not JavaScript's
    expect(files[0]).toContain("arn:${local.partition}:iam::aws:policy/");
  });

  it("validates with its providers (terraform init + validate)", async (ctx) => {
    if (missing !== undefined) ctx.skip(missing);
    const project = mkdtempSync(join(tmpdir(), "examples-terraform-"));
    cpSync(join(EXAMPLES, "terraform"), project, { recursive: true });
    const init = await run("terraform", ["init", "-backend=false", "-input=false"], {
      cwd: project,
      env: baseEnv,
    });
    if (init.code !== 0)
      ctx.skip("terraform init cannot fetch the aws and archive providers (registry unreachable)");
    const validate = await run("terraform", ["validate", "-no-color"], { cwd: project, env: baseEnv });
    expect(validate.output).toContain("Success");
    expect(validate.code).toBe(0);
  });
});
