/**
 * A corpus of invalid configs (extension/test/fixtures/invalid-configs/), each beside a
 * `<name>.expected.json` holding the exact problem paths and a fragment of each message. Validation
 * must never throw, must finish fast (bombs included), and must name every problem where it is.
 * A few go through the bundled extension to show they reach Lambda as init/error.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { startMockRuntimeApi } from "../../devkit/mockRuntimeApi/mockRuntimeApi.js";
import { type LoadResult, loadConfigFile } from "../../src/config/loadConfig.js";
import type { ConfigProblem } from "../../src/config/types.js";
import { startExtension } from "../support/extensionProcess.js";

const FIXTURES = fileURLToPath(new URL("../fixtures/invalid-configs/", import.meta.url));
const EXPECTED_SUFFIX = ".expected.json";
const MIB = 1024 * 1024;
const ARN = "arn:aws:iam::123456789012:role/reader";

interface Expected {
  readonly why: string;
  readonly problems: readonly ConfigProblem[];
}

const configs = readdirSync(FIXTURES)
  .filter((name) => !name.endsWith(EXPECTED_SUFFIX))
  .sort();

function expectedFor(name: string): Expected {
  const base = name.slice(0, name.lastIndexOf("."));
  return JSON.parse(readFileSync(join(FIXTURES, `${base}${EXPECTED_SUFFIX}`), "utf8")) as Expected;
}

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "config-corpus-"));
});

/** Loads a file as the extension does, timing it; a rejection fails the test. */
async function load(path: string): Promise<{ result: LoadResult; ms: number }> {
  const started = performance.now();
  const result = await loadConfigFile(path);
  return { result, ms: performance.now() - started };
}

/** Exactly the expected paths, each with a message containing the expected fragment, on one line. */
function expectProblems(result: LoadResult, expected: readonly ConfigProblem[]): void {
  expect(result.ok).toBe(false);
  const problems = result.ok ? [] : result.problems;
  expect(problems.map((p) => p.path).sort()).toEqual(expected.map((p) => p.path).sort());
  for (const want of expected) {
    const messages = problems.filter((p) => p.path === want.path).map((p) => p.message);
    expect(messages).toContainEqual(expect.stringContaining(want.message));
  }
  for (const problem of problems) expect(problem.message).not.toMatch(/[\r\n]/);
}

describe("the invalid-config corpus", () => {
  it("holds at least 30 configs, each with expected problems, and no expectation without a config", () => {
    const expectations = readdirSync(FIXTURES).filter((name) => name.endsWith(EXPECTED_SUFFIX));
    expect(configs.length).toBeGreaterThanOrEqual(30);
    expect(expectations.map((name) => name.slice(0, -EXPECTED_SUFFIX.length)).sort()).toEqual(
      configs.map((name) => name.slice(0, name.lastIndexOf("."))).sort(),
    );
  });

  it.each(configs)("%s is refused with exactly its expected problems, fast", async (name) => {
    // Prepare
    const expected = expectedFor(name);
    expect(expected.why.length).toBeGreaterThan(0);

    // Act
    const { result, ms } = await load(join(FIXTURES, name));

    // Assess
    expectProblems(result, expected.problems);
    expect(ms).toBeLessThan(1000);
  });
});

describe("configs made at test time", () => {
  it("a file over 1 MiB is refused without being parsed", async () => {
    // Prepare: valid YAML, padded with a comment past the limit
    const path = join(scratch, "huge.yaml");
    writeFileSync(path, `roles:\n  reader:\n    RoleArn: ${ARN}\n# ${"x".repeat(MIB)}\n`);

    // Act
    const { result, ms } = await load(path);

    // Assess
    expectProblems(result, [{ path: "", message: `is larger than ${MIB} bytes` }]);
    expect(ms).toBeLessThan(100);
  });

  it("101 roles are more than the 100 allowed", async () => {
    const roles = Array.from({ length: 101 }, (_, i) => `  r${i}:\n    RoleArn: ${ARN}${i}\n`).join("");
    const path = join(scratch, "many-roles.yaml");
    writeFileSync(path, `roles:\n${roles}`);
    const { result, ms } = await load(path);
    expectProblems(result, [{ path: "roles", message: "must have at most 100 entries" }]);
    expect(ms).toBeLessThan(1000);
  });

  it("5,000 nested flow sequences are refused, not a stack overflow", async () => {
    const path = join(scratch, "deep.yaml");
    writeFileSync(path, `roles: ${"[".repeat(5000)}`);
    const { result, ms } = await load(path);
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems).toEqual([{ path: "line 1", message: "nests more than 64 levels deep" }]);
    expect(ms).toBeLessThan(1000);
  });
});

describe("the bundled extension reports them via init/error", () => {
  const bundleCases: [string, string, readonly ConfigProblem[]][] = [
    ...[
      "cycle-of-two.yaml",
      "yaml-bomb-many-aliases.yaml",
      "non-utf8-bytes.yaml",
      "top-level-proto.yaml",
      "role-key-read-as-number.yaml",
    ].map((name): [string, string, readonly ConfigProblem[]] => [
      name,
      join(FIXTURES, name),
      expectedFor(name).problems,
    ]),
  ];
  let hugePath: string;
  beforeAll(() => {
    hugePath = join(scratch, "huge-for-bundle.yaml");
    writeFileSync(hugePath, `# ${"y".repeat(MIB + 1)}\n`);
  });

  it.each([...bundleCases, ["a file over 1 MiB", "", [{ path: "", message: "is larger than" }]] as const])(
    "%s → Extension.ConfigInvalid naming each problem, exit 1",
    async (_name, fixturePath, problems) => {
      // Prepare
      const path = fixturePath === "" ? hugePath : fixturePath;
      const runtime = await startMockRuntimeApi();
      const startedAt = Date.now();
      const sidecar = await startExtension({
        env: {
          AWS_LAMBDA_RUNTIME_API: runtime.address,
          AWS_REGION: "eu-west-1",
          CREDENTIALS_SIDECAR_CONFIG: path,
        },
      });
      try {
        // Act
        const error = await runtime.waitForError();
        const exit = await sidecar.exited();

        // Assess
        expect(error).toMatchObject({ route: "init/error", errorType: "Extension.ConfigInvalid" });
        const message = (error.body as { errorMessage: string }).errorMessage;
        expect(message).toContain(`Invalid config (${path})`);
        for (const problem of problems) {
          expect(message).toContain(
            problem.path === "" ? `  ${problem.message}` : `${problem.path}: ${problem.message}`,
          );
        }
        expect(message).not.toMatch(/\n\s+at /);
        expect(exit.code).toBe(1);
        expect(Date.now() - startedAt).toBeLessThan(5000);
      } finally {
        sidecar.kill();
        await runtime.close();
      }
    },
  );
});

describe("nesting depth in the bundled extension", () => {
  // The parser's own token stream is checked as it goes (parseYaml.ts): parsing stops at level 65.
  it("1 MiB of nested brackets is refused as ConfigInvalid in a 128 MB heap within 2 s", async () => {
    // Prepare
    const path = join(scratch, "deep-1mib.yaml");
    writeFileSync(path, `roles: ${"[".repeat(MIB - 16)}`);
    const runtime = await startMockRuntimeApi();
    const startedAt = Date.now();
    const sidecar = await startExtension({
      env: {
        AWS_LAMBDA_RUNTIME_API: runtime.address,
        AWS_REGION: "eu-west-1",
        CREDENTIALS_SIDECAR_CONFIG: path,
        NODE_OPTIONS: "--max-old-space-size=128",
      },
    });
    try {
      // Act
      const exit = await sidecar.exited(10_000);

      // Assess
      expect(runtime.errors.map((e) => e.errorType)).toEqual(["Extension.ConfigInvalid"]);
      expect(exit.code).toBe(1);
      expect(Date.now() - startedAt).toBeLessThan(2000);
    } finally {
      sidecar.kill();
      await runtime.close();
    }
  });
});
