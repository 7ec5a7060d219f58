/**
 * Role chains (`source`): missing sources, cycles, the one-hour limit of a chained session, and a
 * source identity that must stay the same along a chain.
 */
import { describe, expect, it } from "vitest";
import {
  ARN,
  configOf,
  expectProblemAt,
  type InvalidCase,
  OTHER_ARN,
  problemsOf,
  roleOf,
} from "../../test/support/configResults.js";

const INVALID: InvalidCase[] = [
  [
    "chained role longer than an hour",
    { roles: { base: { RoleArn: ARN }, x: { RoleArn: OTHER_ARN, source: "base", DurationSeconds: 3601 } } },
    "roles.x.DurationSeconds",
    "must be at most 3600 for a chained role (source: base)",
  ],
  [
    "source naming a missing role",
    { roles: { a: { RoleArn: ARN, source: "nobody" } } },
    "roles.a.source",
    'names no role in roles: "nobody" (have: a)',
  ],
  [
    "source cycle a -> b -> a",
    { roles: { a: { RoleArn: ARN, source: "b" }, b: { RoleArn: OTHER_ARN, source: "a" } } },
    "roles.a.source",
    "forms a cycle: a -> b -> a",
  ],
  [
    "role chained from itself",
    { roles: { a: { RoleArn: ARN, source: "a" } } },
    "roles.a.source",
    "forms a cycle: a -> a",
  ],
  [
    "SourceIdentity changing along a chain",
    {
      roles: {
        a: { RoleArn: ARN, SourceIdentity: "alice" },
        b: { RoleArn: OTHER_ARN, source: "a", SourceIdentity: "bob" },
      },
    },
    "roles.b.SourceIdentity",
    'must equal "alice" (set on roles.a); a source identity cannot change along a role chain (got "bob")',
  ],
  [
    "SourceIdentity changing two links down a chain",
    {
      roles: {
        a: { RoleArn: ARN, SourceIdentity: "alice" },
        b: { RoleArn: OTHER_ARN, source: "a" },
        c: { RoleArn: OTHER_ARN, source: "b", SourceIdentity: "carol" },
      },
    },
    "roles.c.SourceIdentity",
    'must equal "alice" (set on roles.a); a source identity cannot change along a role chain (got "carol")',
  ],
  [
    "SourceIdentity and generateSourceIdentity together",
    { roles: { a: { RoleArn: ARN, SourceIdentity: "alice", generateSourceIdentity: true } } },
    "roles.a.generateSourceIdentity",
    'cannot be true with SourceIdentity "alice" set',
  ],
  [
    "generateSourceIdentity on a role chained from one with a SourceIdentity",
    {
      roles: {
        a: { RoleArn: ARN, SourceIdentity: "alice" },
        b: { RoleArn: OTHER_ARN, source: "a", generateSourceIdentity: true },
      },
    },
    "roles.b.generateSourceIdentity",
    "inherits the source identity of roles.a",
  ],
  [
    "generateSourceIdentity two links down a chain that generates one",
    {
      roles: {
        a: { RoleArn: ARN, generateSourceIdentity: true },
        b: { RoleArn: OTHER_ARN, source: "a" },
        c: { RoleArn: OTHER_ARN, source: "b", generateSourceIdentity: true },
      },
    },
    "roles.c.generateSourceIdentity",
    "inherits the source identity of roles.a",
  ],
  [
    "SourceIdentity on a role chained from one that generates it",
    {
      roles: {
        a: { RoleArn: ARN, generateSourceIdentity: true },
        b: { RoleArn: OTHER_ARN, source: "a", SourceIdentity: "bob" },
      },
    },
    "roles.b.SourceIdentity",
    "whose source roles.a generates one",
  ],
];

describe("validateConfig: invalid configs", () => {
  it.each(INVALID)("%s", (_title, config, path, fragment) => expectProblemAt(config, path, fragment));

  it("reports a cycle on every role in it", () => {
    const problems = problemsOf({
      roles: { a: { RoleArn: ARN, source: "b" }, b: { RoleArn: OTHER_ARN, source: "a" } },
    });

    expect(problems).toEqual([
      { path: "roles.a.source", message: "forms a cycle: a -> b -> a" },
      { path: "roles.b.source", message: "forms a cycle: b -> a -> b" },
    ]);
  });

  it("does not hold a chained role to the one-hour limit when it stays within it", () => {
    const config = configOf({
      roles: {
        base: { RoleArn: ARN, DurationSeconds: 43200 },
        x: { RoleArn: OTHER_ARN, source: "base", DurationSeconds: 3600 },
      },
    });

    expect(roleOf(config, "x").parameters.DurationSeconds).toBe(3600);
    expect(roleOf(config, "base").parameters.DurationSeconds).toBe(43200);
  });

  it("allows the same SourceIdentity along a chain", () => {
    const config = configOf({
      roles: {
        a: { RoleArn: ARN, SourceIdentity: "alice" },
        b: { RoleArn: OTHER_ARN, source: "a", SourceIdentity: "alice" },
      },
    });

    expect(roleOf(config, "b").parameters.SourceIdentity).toBe("alice");
  });
});
