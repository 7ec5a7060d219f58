/**
 * What a valid config becomes: defaults applied, given values kept, policies minified, PolicyArns and
 * Tags in the API's form, and the default role chosen.
 */
import { describe, expect, it } from "vitest";
import { ARN, configOf, OTHER_ARN, POLICY_ARN, roleOf } from "../../test/support/configResults.js";

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
