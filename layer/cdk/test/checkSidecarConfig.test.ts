/**
 * A config object must fail synth exactly as the extension would fail on the same config as a file:
 * every config of the extension's invalid-config corpus that parses is checked here as an object.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Aws, Lazy } from "aws-cdk-lib";
import { describe, expect, it } from "vitest";
import { parseConfigBytes } from "../../../extension/src/config/parseYaml.js";
import type { ConfigProblem } from "../../../extension/src/config/types.js";
import { validateConfig } from "../../../extension/src/config/validate.js";
import { sidecarConfigProblems } from "../checkSidecarConfig.js";
import type { SidecarConfigObject } from "../sidecarConfigObject.js";

const CORPUS = fileURLToPath(new URL("../../../extension/test/fixtures/invalid-configs/", import.meta.url));
const ARN = "arn:aws:iam::111122223333:role/reader";

/** The corpus's configs that parse: their problems are the validator's, so they apply to objects too. */
const parsedCorpus = readdirSync(CORPUS)
  .filter((name) => !name.endsWith(".expected.json"))
  .flatMap((name) => {
    const parsed = parseConfigBytes(readFileSync(join(CORPUS, name)));
    return parsed.ok ? [{ name, config: parsed.value as SidecarConfigObject }] : [];
  })
  .sort((a, b) => a.name.localeCompare(b.name));

const asText = (problems: readonly ConfigProblem[]) => problems.map((p) => `${p.path}: ${p.message}`).sort();

describe("sidecarConfigProblems", () => {
  it("has corpus configs to check (so the check below cannot pass on none)", () => {
    expect(parsedCorpus.length).toBeGreaterThan(20);
  });

  it.each(parsedCorpus)("$name: the extension's own problems, with the config layer", ({ config }) => {
    const result = validateConfig(config);
    expect(result.ok).toBe(false);
    expect(asText(sidecarConfigProblems(config, "layer"))).toEqual(asText(result.ok ? [] : result.problems));
  });

  it("accepts a valid config for either delivery, and a multi-role one for the layer", () => {
    expect(
      sidecarConfigProblems({ roles: { reader: { RoleArn: ARN, ExternalId: "x-1" } } }, "layer"),
    ).toEqual([]);
    expect(
      sidecarConfigProblems({ roles: { reader: { RoleArn: ARN, DurationSeconds: 900 } } }, "environment"),
    ).toEqual([]);
    const chained = { roles: { a: { RoleArn: ARN }, b: { RoleArn: ARN, source: "a" } } };
    expect(sidecarConfigProblems(chained, "layer")).toEqual([]);
  });

  it("refuses a CDK token in the config layer, which is written before CloudFormation resolves it", () => {
    const tokenArn = `arn:aws:iam::${Aws.ACCOUNT_ID}:role/reader`;
    const policy = { Statement: [{ Resource: Lazy.string({ produce: () => "x" }) }] };
    expect(
      sidecarConfigProblems({ roles: { reader: { RoleArn: tokenArn, Policy: policy } } }, "layer").map(
        (p) => p.path,
      ),
    ).toEqual(["roles.reader.RoleArn", "roles.reader.Policy.Statement[0].Resource"]);
  });

  it("takes tokens through the environment where a variable carries them, checking the rest", () => {
    const tokenArn = `arn:aws:iam::${Aws.ACCOUNT_ID}:role/reader`;
    expect(
      sidecarConfigProblems(
        { roles: { reader: { RoleArn: tokenArn, ExternalId: Aws.STACK_NAME } } },
        "environment",
      ),
    ).toEqual([]);
    expect(
      asText(
        sidecarConfigProblems(
          { roles: { reader: { RoleArn: tokenArn, DurationSeconds: 60 } } },
          "environment",
        ),
      ),
    ).toEqual(["roles.reader.DurationSeconds: must be at least 900 (got 60)"]);
  });

  it("names what the environment cannot carry: a second role, keys without a variable", () => {
    const problems = sidecarConfigProblems(
      {
        roles: {
          a: { RoleArn: ARN, Tags: { team: "x" }, refreshBeforeExpirySeconds: 600 },
          b: { RoleArn: ARN, source: "a" },
        },
      },
      "environment",
    );
    expect(problems.map((p) => p.path).sort()).toEqual([
      "roles",
      "roles.a.Tags",
      "roles.a.refreshBeforeExpirySeconds",
      "roles.b.source",
    ]);
    expect(problems.find((p) => p.path === "roles")?.message).toMatch(/has 2 roles.*exactly one/);
  });
});
