/**
 * One role's own parameters out of their range or form: DurationSeconds, RoleArn, RoleSessionName,
 * SourceIdentity, generateSourceIdentity, ExternalId, region, refreshBeforeExpirySeconds.
 */
import { describe, it } from "vitest";
import { ARN, expectProblemAt, type InvalidCase } from "../../test/support/configResults.js";

const INVALID: InvalidCase[] = [
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
    "generateSourceIdentity not a boolean",
    { roles: { a: { RoleArn: ARN, generateSourceIdentity: "yes" } } },
    "roles.a.generateSourceIdentity",
    "must be",
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
];

describe("validateConfig: invalid configs", () => {
  it.each(INVALID)("%s", (_title, config, path, fragment) => expectProblemAt(config, path, fragment));
});
