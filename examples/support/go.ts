/**
 * Builds examples/go/main.go without downloading modules (the Go module proxy is not reachable here):
 * GOPATH mode against Debian's aws-sdk-go-v2 sources (golang-github-aws-aws-sdk-go-v2-dev), with a
 * stand-in for aws-lambda-go's `lambda` package, which Debian does not package.
 */
import { execFile, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const MAIN_GO = fileURLToPath(new URL("../go/main.go", import.meta.url));
const DEBIAN_GOPATH = "/usr/share/gocode";
const GO_SDK = join(DEBIAN_GOPATH, "src/github.com/aws/aws-sdk-go-v2/credentials/endpointcreds");
const LAMBDA_STAND_IN =
  "// Package lambda stands in for aws-lambda-go's: only the signature main.go uses.\npackage lambda\n\nfunc Start(handler interface{}) {}\n";

/** Why Go examples cannot be built here, or undefined when they can. */
export function goMissing(): string | undefined {
  if (spawnSync("go", ["version"], { timeout: 30_000 }).status !== 0) {
    return "no go toolchain (apt-get install golang-go)";
  }
  if (!existsSync(GO_SDK)) {
    return "no aws-sdk-go-v2 sources (apt-get install golang-github-aws-aws-sdk-go-v2-dev)";
  }
  return undefined;
}

export interface GoBuild {
  /** null when killed (timeout) */
  code: number | null;
  output: string;
  binary: string;
}

/**
 * Builds main.go into a binary. `driver`, when given, is a second file of package main whose own
 * main() replaces the example's (renamed exampleMain), so a test can call the example's functions.
 */
export function buildGoExample(driver?: string): Promise<GoBuild> {
  const gopath = mkdtempSync(join(tmpdir(), "examples-go-"));
  const standIn = join(gopath, "src/github.com/aws/aws-lambda-go/lambda");
  mkdirSync(standIn, { recursive: true });
  writeFileSync(join(standIn, "lambda.go"), LAMBDA_STAND_IN);
  const app = join(gopath, "src/example");
  mkdirSync(app, { recursive: true });
  let source = readFileSync(MAIN_GO, "utf8");
  if (driver !== undefined) {
    if (!source.includes("\nfunc main() {")) throw new Error("main.go has no func main() to replace");
    source = source.replace("\nfunc main() {", "\nfunc exampleMain() {");
    writeFileSync(join(app, "driver.go"), driver);
  }
  writeFileSync(join(app, "main.go"), source);
  return goBuild(gopath, app, join(gopath, "handler"));
}

/**
 * `go build` of the package in `app` into `binary`, offline: GOPATH mode with `gopath` first, then
 * Debian's Go sources (no module downloads: the Go module proxy is not reachable here).
 */
export function goBuild(gopath: string, app: string, binary: string): Promise<GoBuild> {
  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: process.env.HOME ?? homedir(),
    GO111MODULE: "off",
    GOPATH: `${gopath}:${DEBIAN_GOPATH}`,
    GOFLAGS: "",
    GOTOOLCHAIN: "local",
  };
  return new Promise((resolve) => {
    execFile(
      "go",
      ["build", "-o", binary, "."],
      { cwd: app, env, timeout: 240_000, killSignal: "SIGKILL" },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : null;
        resolve({ code, output: `${stdout}${stderr}`, binary });
      },
    );
  });
}
