import { describe, expect, it } from "vitest";
import type { ConfigProblem, RoleConfig, SidecarConfig } from "./types.js";
import { validateConfig } from "./validate.js";

const ARN = "arn:aws:iam::123456789012:role/reader";
const OTHER_ARN = "arn:aws:iam::123456789012:role/writer";
const POLICY_ARN = "arn:aws:iam::aws:policy/ReadOnlyAccess";

function problemsOf(input: unknown): readonly ConfigProblem[] {
  const result = validateConfig(input);
  if (result.ok) throw new Error(`expected problems, got a valid config for ${JSON.stringify(input)}`);
  return result.problems;
}

function configOf(input: unknown): SidecarConfig {
  const result = validateConfig(input);
  if (!result.ok) throw new Error(`expected a valid config, got ${JSON.stringify(result.problems)}`);
  return result.config;
}

function roleOf(config: SidecarConfig, name: string): RoleConfig {
  const role = config.roles.get(name);
  if (role === undefined) throw new Error(`no role ${name}`);
  return role;
}

/** Each row: a config, the path of the problem it must report, and a fragment of its message. */
const INVALID: [title: string, config: unknown, path: string, fragment: string][] = [
  [
    "DurationSeconds above the STS maximum",
    { roles: { reader: { RoleArn: ARN, DurationSeconds: 43201 } } },
    "roles.reader.DurationSeconds",
    "must be at most 43200",
  ],
  [
    "DurationSeconds below the STS minimum",
    { roles: { reader: { RoleArn: ARN, DurationSeconds: 899 } } },
    "roles.reader.DurationSeconds",
    "must be at least 900",
  ],
  [
    "DurationSeconds not a number",
    { roles: { reader: { RoleArn: ARN, DurationSeconds: "1h" } } },
    "roles.reader.DurationSeconds",
    "must be a whole number",
  ],
  [
    "DurationSeconds not whole",
    { roles: { reader: { RoleArn: ARN, DurationSeconds: 1000.5 } } },
    "roles.reader.DurationSeconds",
    "must be a whole number",
  ],
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
    "RoleArn with a short account id",
    { roles: { a: { RoleArn: "arn:aws:iam::1234:role/x" } } },
    "roles.a.RoleArn",
    "must be an IAM role ARN",
  ],
  [
    "RoleArn of a user",
    { roles: { a: { RoleArn: "arn:aws:iam::123456789012:user/x" } } },
    "roles.a.RoleArn",
    "must be an IAM role ARN",
  ],
  [
    "RoleSessionName with a space",
    { roles: { a: { RoleArn: ARN, RoleSessionName: "my session" } } },
    "roles.a.RoleSessionName",
    "must be 2-64 characters of letters, digits and _+=,.@-",
  ],
  [
    "RoleSessionName of one character",
    { roles: { a: { RoleArn: ARN, RoleSessionName: "x" } } },
    "roles.a.RoleSessionName",
    "must be 2-64 characters",
  ],
  [
    "RoleSessionName of 65 characters",
    { roles: { a: { RoleArn: ARN, RoleSessionName: "s".repeat(65) } } },
    "roles.a.RoleSessionName",
    "must be 2-64 characters",
  ],
  [
    "SourceIdentity starting aws:",
    { roles: { a: { RoleArn: ARN, SourceIdentity: "aws:alice" } } },
    "roles.a.SourceIdentity",
    "not starting with aws:",
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
    "generateSourceIdentity not a boolean",
    { roles: { a: { RoleArn: ARN, generateSourceIdentity: "yes" } } },
    "roles.a.generateSourceIdentity",
    "must be",
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
  [
    "ExternalId of one character",
    { roles: { a: { RoleArn: ARN, ExternalId: "x" } } },
    "roles.a.ExternalId",
    "must be 2-1224 characters",
  ],
  [
    "region not a region",
    { roles: { a: { RoleArn: ARN, region: "Europe" } } },
    "roles.a.region",
    "must be a region name such as eu-west-1",
  ],
  [
    "refreshBeforeExpirySeconds below 60",
    { roles: { a: { RoleArn: ARN, refreshBeforeExpirySeconds: 59 } } },
    "roles.a.refreshBeforeExpirySeconds",
    "must be at least 60",
  ],
  [
    "Policy as an invalid JSON string",
    { roles: { a: { RoleArn: ARN, Policy: '{"Version": ' } } },
    "roles.a.Policy",
    "is not valid JSON",
  ],
  [
    "Policy as a JSON string that is not an object",
    { roles: { a: { RoleArn: ARN, Policy: "[1, 2]" } } },
    "roles.a.Policy",
    "must be a JSON object (a policy document)",
  ],
  [
    "Policy as a number",
    { roles: { a: { RoleArn: ARN, Policy: 7 } } },
    "roles.a.Policy",
    "must be a mapping or a string",
  ],
  [
    "Policy as an empty mapping",
    { roles: { a: { RoleArn: ARN, Policy: {} } } },
    "roles.a.Policy",
    "must not be empty",
  ],
  [
    "Policy over 2048 characters once minified",
    {
      roles: {
        a: {
          RoleArn: ARN,
          Policy: {
            Version: "2012-10-17",
            Statement: [
              { Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::${"b".repeat(2000)}/*` },
            ],
          },
        },
      },
    },
    "roles.a.Policy",
    "STS allows at most 2048",
  ],
  [
    "PolicyArns string not an ARN",
    { roles: { r: { RoleArn: ARN, PolicyArns: ["ReadOnlyAccess"] } } },
    "roles.r.PolicyArns[0]",
    "must be an IAM policy ARN",
  ],
  [
    "PolicyArns object with a bad arn",
    { roles: { r: { RoleArn: ARN, PolicyArns: [POLICY_ARN, { arn: "nope" }] } } },
    "roles.r.PolicyArns[1].arn",
    "must be an IAM policy ARN",
  ],
  [
    "PolicyArns object without arn",
    { roles: { r: { RoleArn: ARN, PolicyArns: [{ Arn: POLICY_ARN }] } } },
    "roles.r.PolicyArns[0].arn",
    "is required",
  ],
  [
    "PolicyArns item of the wrong type",
    { roles: { r: { RoleArn: ARN, PolicyArns: [42] } } },
    "roles.r.PolicyArns[0]",
    "must be a string or a mapping",
  ],
  [
    "more than 10 PolicyArns",
    { roles: { r: { RoleArn: ARN, PolicyArns: Array(11).fill(POLICY_ARN) } } },
    "roles.r.PolicyArns",
    "must have at most 10 items",
  ],
  [
    "Tags map with a bad key",
    { roles: { r: { RoleArn: ARN, Tags: { "team*": "a" } } } },
    'roles.r.Tags["team*"]',
    "is not a valid key: must be a tag key",
  ],
  [
    "Tags list with a bad key",
    { roles: { r: { RoleArn: ARN, Tags: [{ Key: "team*", Value: "a" }] } } },
    "roles.r.Tags[0].Key",
    "must be a tag key",
  ],
  [
    "Tags list item without Value",
    { roles: { r: { RoleArn: ARN, Tags: [{ Key: "team" }] } } },
    "roles.r.Tags[0].Value",
    "is required",
  ],
  [
    "Tags list with keys differing only in case",
    {
      roles: {
        r: {
          RoleArn: ARN,
          Tags: [
            { Key: "Team", Value: "a" },
            { Key: "team", Value: "b" },
          ],
        },
      },
    },
    "roles.r.Tags",
    'has the key "team" twice (keys are case-insensitive)',
  ],
  [
    "Tags map with keys differing only in case",
    { roles: { r: { RoleArn: ARN, Tags: { Team: "a", TEAM: "b" } } } },
    "roles.r.Tags",
    'has the key "TEAM" twice',
  ],
  [
    "TransitiveTagKeys naming a key not in Tags",
    { roles: { r: { RoleArn: ARN, Tags: { team: "a" }, TransitiveTagKeys: ["team", "project"] } } },
    "roles.r.TransitiveTagKeys[1]",
    'names "project", which is not in Tags',
  ],
  [
    "TransitiveTagKeys without Tags",
    { roles: { r: { RoleArn: ARN, TransitiveTagKeys: ["team"] } } },
    "roles.r.TransitiveTagKeys",
    "needs Tags to name",
  ],
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
  it.each(INVALID)("%s", (_title, config, path, fragment) => {
    // Act
    const problems = problemsOf(config);

    // Assess
    const atPath = problems.filter((p) => p.path === path);
    expect(atPath.map((p) => p.message).join(" | ")).toContain(fragment);
  });

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

describe("validateConfig: normalising valid configs", () => {
  it("applies the defaults: DurationSeconds 3600, refreshBeforeExpirySeconds 1200", () => {
    const role = roleOf(configOf({ roles: { reader: { RoleArn: ARN } } }), "reader");

    expect(role).toEqual({
      name: "reader",
      parameters: { RoleArn: ARN, DurationSeconds: 3600 },
      refreshBeforeExpirySeconds: 1200,
    });
  });

  it("keeps the values it is given", () => {
    const role = roleOf(
      configOf({
        roles: {
          base: { RoleArn: OTHER_ARN },
          reader: {
            RoleArn: ARN,
            RoleSessionName: "my-session",
            ExternalId: "ext-123",
            SourceIdentity: "alice",
            DurationSeconds: 900,
            source: "base",
            region: "eu-west-1",
            refreshBeforeExpirySeconds: 300,
          },
        },
      }),
      "reader",
    );

    expect(role).toEqual({
      name: "reader",
      parameters: {
        RoleArn: ARN,
        RoleSessionName: "my-session",
        ExternalId: "ext-123",
        SourceIdentity: "alice",
        DurationSeconds: 900,
      },
      source: "base",
      region: "eu-west-1",
      refreshBeforeExpirySeconds: 300,
    });
  });

  it("keeps generateSourceIdentity: true, and leaves false out", () => {
    const config = configOf({
      roles: {
        traced: { RoleArn: ARN, generateSourceIdentity: true },
        untraced: { RoleArn: OTHER_ARN, generateSourceIdentity: false },
      },
    });

    expect(roleOf(config, "traced").generateSourceIdentity).toBe(true);
    expect(roleOf(config, "traced").parameters.SourceIdentity).toBeUndefined();
    expect(roleOf(config, "untraced")).not.toHaveProperty("generateSourceIdentity");
  });

  it("minifies a Policy given as a mapping", () => {
    const policy = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }],
    };

    const role = roleOf(configOf({ roles: { r: { RoleArn: ARN, Policy: policy } } }), "r");

    expect(role.parameters.Policy).toBe(
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}',
    );
  });

  it("minifies a Policy given as a JSON string", () => {
    const text = '{\n  "Version": "2012-10-17",\n  "Statement": []\n}';

    const role = roleOf(configOf({ roles: { r: { RoleArn: ARN, Policy: text } } }), "r");

    expect(role.parameters.Policy).toBe('{"Version":"2012-10-17","Statement":[]}');
  });

  it("accepts a Policy that is large only because of whitespace", () => {
    const padded = `{"Version":"2012-10-17",${" ".repeat(3000)}"Statement":[]}`;

    const role = roleOf(configOf({ roles: { r: { RoleArn: ARN, Policy: padded } } }), "r");

    expect(role.parameters.Policy).toBe('{"Version":"2012-10-17","Statement":[]}');
  });

  it("turns PolicyArns strings and {arn} objects into {arn} objects", () => {
    const other = "arn:aws:iam::123456789012:policy/team/boundary";

    const role = roleOf(
      configOf({ roles: { r: { RoleArn: ARN, PolicyArns: [POLICY_ARN, { arn: other }] } } }),
      "r",
    );

    expect(role.parameters.PolicyArns).toEqual([{ arn: POLICY_ARN }, { arn: other }]);
  });

  it("turns a Tags map into the API's list and keeps a list as it is", () => {
    const fromMap = roleOf(
      configOf({ roles: { r: { RoleArn: ARN, Tags: { team: "data", env: "" } } } }),
      "r",
    );
    const fromList = roleOf(
      configOf({ roles: { r: { RoleArn: ARN, Tags: [{ Key: "team", Value: "data" }] } } }),
      "r",
    );

    expect(fromMap.parameters.Tags).toEqual([
      { Key: "team", Value: "data" },
      { Key: "env", Value: "" },
    ]);
    expect(fromList.parameters.Tags).toEqual([{ Key: "team", Value: "data" }]);
  });

  it("keeps TransitiveTagKeys that name tags, whatever their case", () => {
    const role = roleOf(
      configOf({ roles: { r: { RoleArn: ARN, Tags: { Team: "data" }, TransitiveTagKeys: ["team"] } } }),
      "r",
    );

    expect(role.parameters.TransitiveTagKeys).toEqual(["team"]);
  });

  it("makes a single role the default", () => {
    const config = configOf({ roles: { only: { RoleArn: ARN } } });

    expect(config.defaultRole).toBe("only");
  });

  it("leaves the default unset with several roles and no default key", () => {
    const config = configOf({ roles: { a: { RoleArn: ARN }, b: { RoleArn: OTHER_ARN } } });

    expect(config.defaultRole).toBeUndefined();
    expect("defaultRole" in config).toBe(false);
    expect([...config.roles.keys()]).toEqual(["a", "b"]);
  });

  it("uses the default key when given", () => {
    const config = configOf({ default: "b", roles: { a: { RoleArn: ARN }, b: { RoleArn: OTHER_ARN } } });

    expect(config.defaultRole).toBe("b");
  });

  it("accepts an editor's $schema key", () => {
    const config = configOf({ $schema: "./config.schema.json", roles: { a: { RoleArn: ARN } } });

    expect(config.roles.size).toBe(1);
  });
});
