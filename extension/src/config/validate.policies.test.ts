/**
 * Session policies and tags: Policy (mapping or JSON, size once minified), PolicyArns, Tags (map or
 * list, keys case-insensitive) and TransitiveTagKeys.
 */
import { describe, it } from "vitest";
import { ARN, expectProblemAt, type InvalidCase, POLICY_ARN } from "../../test/support/configResults.js";

const INVALID: InvalidCase[] = [
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
];

describe("validateConfig: invalid configs", () => {
  it.each(INVALID)("%s", (_title, config, path, fragment) => expectProblemAt(config, path, fragment));
});
