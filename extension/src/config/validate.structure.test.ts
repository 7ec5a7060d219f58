/**
 * The config document's shape: its top-level keys, role names, unknown keys (with a near match
 * suggested) and `default`; every problem reported at once, and no input that makes validation throw.
 */
import { describe, expect, it } from "vitest";
import { ARN, expectProblemAt, type InvalidCase, problemsOf } from "../../test/support/configResults.js";
import { validateConfig } from "./validate.js";

const INVALID: InvalidCase[] = [
  [
    "default naming a missing role",
    { default: "writer", roles: { reader: { RoleArn: ARN } } },
    "default",
    'names no role in roles: "writer" (have: reader)',
  ],
  [
    "unknown key differing only in case",
    { roles: { a: { roleArn: ARN } } },
    "roles.a.roleArn",
    "did you mean RoleArn?",
  ],
  [
    "unknown top-level key differing in case",
    { Roles: {}, roles: { a: { RoleArn: ARN } } },
    "Roles",
    "did you mean roles?",
  ],
  [
    "unknown key with no near match lists the allowed keys",
    { roles: { a: { RoleArn: ARN, Duration: 900 } } },
    "roles.a.Duration",
    "allowed: RoleArn, RoleSessionName",
  ],
  ["missing RoleArn", { roles: { a: { DurationSeconds: 900 } } }, "roles.a.RoleArn", "is required"],
  [
    "role name with a space",
    { roles: { "my role": { RoleArn: ARN } } },
    'roles["my role"]',
    "is not a valid key: must be a role name",
  ],
  [
    "role name starting with a dash",
    { roles: { "-x": { RoleArn: ARN } } },
    'roles["-x"]',
    "must be a role name",
  ],
  ["role name with a slash", { roles: { "a/b": { RoleArn: ARN } } }, 'roles["a/b"]', "must be a role name"],
  ["no roles key", {}, "roles", "is required"],
  ["empty roles", { roles: {} }, "roles", "must name at least one role"],
  ["roles as a list", { roles: [{ RoleArn: ARN }] }, "roles", "must be a mapping"],
  ["the document is a list", [], "", "must be a mapping"],
  ["the document is a string", "roles", "", "must be a mapping"],
];

describe("validateConfig: invalid configs", () => {
  it.each(INVALID)("%s", (_title, config, path, fragment) => expectProblemAt(config, path, fragment));

  it("reports every problem at once, each at its own path", () => {
    // Prepare
    const config = {
      default: "missing",
      roles: {
        r: { RoleArn: "not-an-arn", DurationSeconds: 1, region: "moon", rolearn: "x" },
        s: { RoleArn: ARN, source: "nobody", Policy: "{" },
      },
    };

    // Act
    const paths = problemsOf(config).map((p) => p.path);

    // Assess
    expect(paths.sort()).toEqual(
      [
        "default",
        "roles.r.DurationSeconds",
        "roles.r.RoleArn",
        "roles.r.region",
        "roles.r.rolearn",
        "roles.s.Policy",
        "roles.s.source",
      ].sort(),
    );
  });

  it("never throws, whatever it is given", () => {
    for (const input of [
      null,
      undefined,
      0,
      true,
      "x",
      { roles: null },
      { roles: { a: null } },
      { roles: { a: [] } },
    ]) {
      const result = validateConfig(input);
      expect(result.ok, JSON.stringify(input)).toBe(false);
    }
  });
});
