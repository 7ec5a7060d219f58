import { describe, expect, it } from "vitest";
import { assumeRolePermissions } from "../assumeRolePermissions.js";
import type { SidecarConfigObject } from "../sidecarConfigObject.js";

const arn = (name: string) => `arn:aws:iam::111122223333:role/${name}`;

function actionsOf(config: SidecarConfigObject): Record<string, readonly string[]> {
  return Object.fromEntries(assumeRolePermissions(config).map((p) => [p.role, p.actions]));
}

describe("assumeRolePermissions", () => {
  it("asks only sts:AssumeRole, from the execution role, for a plain role", () => {
    expect(
      assumeRolePermissions({ roles: { reader: { RoleArn: arn("reader"), ExternalId: "x-1" } } }),
    ).toEqual([
      {
        role: "reader",
        roleArn: arn("reader"),
        assumedBy: undefined,
        actions: ["sts:AssumeRole"],
        externalId: "x-1",
      },
    ]);
  });

  it("adds sts:TagSession for tags in either shape, and not for an empty set", () => {
    expect(
      actionsOf({
        roles: {
          map: { RoleArn: arn("a"), Tags: { team: "orders" } },
          list: { RoleArn: arn("b"), Tags: [{ Key: "team", Value: "orders" }] },
          emptyMap: { RoleArn: arn("c"), Tags: {} },
          emptyList: { RoleArn: arn("d"), Tags: [] },
        },
      }),
    ).toEqual({
      map: ["sts:AssumeRole", "sts:TagSession"],
      list: ["sts:AssumeRole", "sts:TagSession"],
      emptyMap: ["sts:AssumeRole"],
      emptyList: ["sts:AssumeRole"],
    });
  });

  it("adds sts:SetSourceIdentity for a SourceIdentity, set or generated", () => {
    expect(
      actionsOf({
        roles: {
          a: { RoleArn: arn("a"), SourceIdentity: "alice" },
          b: { RoleArn: arn("b"), generateSourceIdentity: true },
          c: { RoleArn: arn("c"), generateSourceIdentity: false },
        },
      }),
    ).toEqual({
      a: ["sts:AssumeRole", "sts:SetSourceIdentity"],
      b: ["sts:AssumeRole", "sts:SetSourceIdentity"],
      c: ["sts:AssumeRole"],
    });
  });

  it("makes a chained role's permission the source role's, carrying the chain's source identity and transitive tags", () => {
    const permissions = assumeRolePermissions({
      roles: {
        first: { RoleArn: arn("first"), SourceIdentity: "alice", Tags: { t: "1" }, TransitiveTagKeys: ["t"] },
        second: { RoleArn: arn("second"), source: "first" },
        third: { RoleArn: arn("third"), source: "second" },
      },
    });
    expect(permissions.map((p) => [p.role, p.assumedBy, p.actions])).toEqual([
      ["first", undefined, ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]],
      ["second", "first", ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]],
      ["third", "second", ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]],
    ]);
  });

  it("does not carry tags that are not transitive along a chain", () => {
    expect(
      actionsOf({
        roles: {
          first: { RoleArn: arn("first"), Tags: { t: "1" } },
          second: { RoleArn: arn("second"), source: "first" },
        },
      }),
    ).toEqual({ first: ["sts:AssumeRole", "sts:TagSession"], second: ["sts:AssumeRole"] });
  });
});
