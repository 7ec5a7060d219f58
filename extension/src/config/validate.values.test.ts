/**
 * Every config problem names its path and quotes the value it refuses (one line, cut at 60
 * characters), except a secret's; and a policy means the same written as a mapping or as JSON.
 * Generated variants: random bad values for each scalar key, random policy documents in both forms.
 */
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../test/support/seededRandom.mjs";
import { MAX_QUOTED_CHARACTERS, SECRET_KEYS } from "./quoteValue.js";
import type { ConfigProblem } from "./types.js";
import { validateConfig } from "./validate.js";

const ARN = "arn:aws:iam::123456789012:role/reader";
const random = seededRandom(4242);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

function problemsOf(input: unknown): readonly ConfigProblem[] {
  const result = validateConfig(input);
  return result.ok ? [] : result.problems;
}

/** A value no string key accepts: bad characters, too long, or with line breaks and controls. */
function badString(): string {
  const length = pick([1, 3, 59, 60, 61, 200, 5000]);
  const alphabet = ["x", "é", " ", "!", "\n", "\u0000", "\t", "😀", '"', "\\"];
  const characters = ["!"];
  while (characters.length < length) characters.push(pick(alphabet));
  return characters.join("");
}

const STRING_KEYS = ["RoleArn", "RoleSessionName", "ExternalId", "SourceIdentity", "region"] as const;
const NUMBER_KEYS = ["DurationSeconds", "refreshBeforeExpirySeconds"] as const;

describe("config problems quote the offending value", () => {
  it("for every scalar key and a random bad value: path, one line, quoted and cut, or withheld for a secret", () => {
    for (let i = 0; i < 300; i++) {
      const key = pick([...STRING_KEYS, ...NUMBER_KEYS]);
      const value: unknown = (NUMBER_KEYS as readonly string[]).includes(key)
        ? pick([-1, 0, 1, 10 ** 9, 1.5, "12", true])
        : pick([badString(), badString(), 42, false, null, ["a"], { a: 1 }]);
      const role: Record<string, unknown> = { RoleArn: ARN, [key]: value };
      const problems = problemsOf({ roles: { app: role } }).filter((p) => p.path === `roles.app.${key}`);

      expect(problems.length, `${key}: ${JSON.stringify(value)}`).toBeGreaterThanOrEqual(1);
      for (const { message } of problems) {
        expect(message).not.toMatch(/\p{Cc}/u);
        if (SECRET_KEYS.has(key)) {
          expect(message).toContain(`value not shown: ${key} is treated as a secret`);
          if (typeof value === "string" && value.length > 3) expect(message).not.toContain(value.slice(0, 4));
        } else if (typeof value === "string") {
          const characters = [...value];
          const shown = JSON.stringify(characters.slice(0, MAX_QUOTED_CHARACTERS).join(""));
          expect(message).toContain(`(got ${shown}`);
          if (characters.length > MAX_QUOTED_CHARACTERS)
            expect(message).toContain(`… (${characters.length} characters)`);
        } else {
          expect(message).toMatch(/\(got [^)]+\)/);
        }
      }
    }
  });

  it("names the role a source or default refers to that does not exist", () => {
    for (let i = 0; i < 50; i++) {
      const ghost = `ghost-${Math.floor(random() * 1e6)}`;
      const problems = problemsOf({ default: ghost, roles: { app: { RoleArn: ARN, source: ghost } } });
      for (const path of ["default", "roles.app.source"]) {
        expect(problems.find((p) => p.path === path)?.message).toContain(`"${ghost}"`);
      }
    }
  });

  it("cuts a 1 MiB key in a path like a value", () => {
    const key = `bad key ${"k".repeat(1024 * 1024)}`;
    const [problem] = problemsOf({ roles: { [key]: { RoleArn: ARN } } });
    expect(problem?.path.length).toBeLessThan(200);
    expect(problem?.path).toContain("…");
  });
});

/** A random policy document: valid, empty, or with nested statements and conditions. */
function randomPolicy(): Record<string, unknown> {
  if (random() < 0.2) return {};
  const statements = Array.from({ length: 1 + Math.floor(random() * 3) }, () => ({
    Effect: pick(["Allow", "Deny"]),
    Action: pick(["s3:GetObject", ["s3:GetObject", "s3:PutObject"]]),
    Resource: "*",
    ...(random() < 0.5 ? { Condition: { StringEquals: { "aws:RequestedRegion": "eu-west-1" } } } : {}),
  }));
  return { Version: "2012-10-17", Statement: statements };
}

describe("Policy as a mapping and as a JSON string", () => {
  it("gets the same verdict either way, for random documents, {} included", () => {
    for (let i = 0; i < 100; i++) {
      const policy = randomPolicy();
      const asMapping = problemsOf({ roles: { app: { RoleArn: ARN, Policy: policy } } });
      const asString = problemsOf({
        roles: { app: { RoleArn: ARN, Policy: JSON.stringify(policy, null, pick([0, 2])) } },
      });
      expect(asString.length > 0, JSON.stringify(policy)).toBe(asMapping.length > 0);
      if (Object.keys(policy).length === 0) {
        expect(asMapping).toEqual([{ path: "roles.app.Policy", message: "must not be empty" }]);
        expect(asString).toEqual([{ path: "roles.app.Policy", message: "must not be empty (got {})" }]);
      }
    }
  });

  it.each([
    ["at the top", '{"Version": "2012-10-17", "Version": "2008-10-17", "Statement": []}', "Version", ""],
    [
      "in a statement",
      '{"Statement": [{"Effect": "Deny"}, {"Effect": "Deny", "Action": "*", "Effect": "Allow"}]}',
      "Effect",
      " in Statement[1]",
    ],
    [
      "in a condition",
      '{"Statement": [{"Condition": {"StringEquals": {"a": "1", "a": "2"}}}]}',
      "a",
      " in Statement[0].Condition.StringEquals",
    ],
    ["spelt with an escape", '{"Effect": "Deny", "\\u0045ffect": "Allow"}', "Effect", ""],
    ["across lines and tabs", '{\n\t"Sid" :"a",\r\n  "Sid"\t: "b"}', "Sid", ""],
  ])("a JSON policy with a key twice %s is refused, naming the key", (_where, policy, key, where) => {
    expect(problemsOf({ roles: { app: { RoleArn: ARN, Policy: policy } } })).toEqual([
      {
        path: "roles.app.Policy",
        message: `has the key "${key}" twice${where}; JSON would keep only the last`,
      },
    ]);
  });

  it("keys that only look alike in a JSON policy are fine: in different objects, or inside strings", () => {
    const policy =
      '{"Statement": [{"Sid": "a", "Effect": "Allow"}, {"Sid": "b, \\"Sid\\": c", "Effect": "Allow"}]}';
    expect(problemsOf({ roles: { app: { RoleArn: ARN, Policy: policy } } })).toEqual([]);
  });

  it("a deeply nested JSON policy string is refused quickly, not a stack overflow", () => {
    const depth = 100_000;
    const policy = `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
    const started = performance.now();
    const problems = problemsOf({ roles: { app: { RoleArn: ARN, Policy: policy } } });
    expect(problems).toEqual([{ path: "roles.app.Policy", message: "nests more than 32 levels deep" }]);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
