/**
 * ${tenantId} in the config: accepted in RoleSessionName, SourceIdentity and tag values (and such a
 * role, and every role chained from it, is tenant-scoped); anywhere else, or misspelt, it is named
 * as the problem at its path, in place of the schema's pattern message.
 */
import { describe, expect, it } from "vitest";
import { tenantScopedRoles } from "./tenantPlaceholders.js";
import type { ConfigProblem, SidecarConfig } from "./types.js";
import { validateConfig } from "./validate.js";

const P = `\${tenantId}`;
const ARN = "arn:aws:iam::123456789012:role/reader";

function config(input: unknown): SidecarConfig {
  const result = validateConfig(input);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config;
}

function problemsOf(input: unknown): readonly ConfigProblem[] {
  const result = validateConfig(input);
  return result.ok ? [] : result.problems;
}

describe(`\${tenantId} in the config`, () => {
  it("is accepted where it is replaced, alone or within text, in the map and list forms of Tags", () => {
    const accepted = config({
      roles: {
        a: { RoleArn: ARN, RoleSessionName: P, SourceIdentity: `src-${P}`, Tags: { tenant: P } },
        b: { RoleArn: ARN, Tags: [{ Key: "tenant", Value: `t/${P}` }], TransitiveTagKeys: ["tenant"] },
      },
    });
    expect(accepted.roles.get("a")?.parameters).toMatchObject({
      RoleSessionName: P,
      SourceIdentity: `src-${P}`,
    });
  });

  it("makes its roles and the roles chained from them tenant-scoped, and no other (control)", () => {
    const scoped = tenantScopedRoles(
      config({
        roles: {
          plain: { RoleArn: ARN, RoleSessionName: "fixed", Tags: { app: "orders" } },
          tenant: { RoleArn: ARN, Tags: { tenant: P } },
          chained: { RoleArn: ARN, source: "tenant" },
          twice: { RoleArn: ARN, source: "chained" },
          fromPlain: { RoleArn: ARN, source: "plain" },
        },
      }),
    );
    expect([...scoped].sort()).toEqual(["chained", "tenant", "twice"]);
    expect(tenantScopedRoles(config({ roles: { plain: { RoleArn: ARN } } })).size).toBe(0);
  });

  it.each([
    ["ExternalId", { ExternalId: `ext-${P}` }, "roles.r.ExternalId"],
    ["RoleArn", { RoleArn: `${ARN}-${P}` }, "roles.r.RoleArn"],
    ["region", { region: P }, "roles.r.region"],
    ["PolicyArns", { PolicyArns: [`arn:aws:iam::aws:policy/${P}`] }, "roles.r.PolicyArns"],
    ["TransitiveTagKeys", { Tags: { a: "b" }, TransitiveTagKeys: [P] }, "roles.r.TransitiveTagKeys"],
  ])("is refused in %s, by name", (_key, fields, path) => {
    const problems = problemsOf({ roles: { r: { RoleArn: ARN, ...fields } } });
    expect(problems).toContainEqual({ path, message: expect.stringContaining(`cannot use \${tenantId}`) });
    expect(problems.filter((problem) => problem.path === path)).toHaveLength(1);
  });

  it("is refused in a session policy, pointing at the policy variable on a tag instead", () => {
    const problems = problemsOf({
      roles: {
        r: { RoleArn: ARN, Policy: { Statement: [{ Effect: "Allow", Resource: `arn:aws:s3:::b/${P}/*` }] } },
      },
    });
    expect(problems).toEqual([
      { path: "roles.r.Policy", message: expect.stringContaining(`\${aws:PrincipalTag/<key>}`) },
    ]);
  });

  it("is refused in a tag key, in both forms of Tags", () => {
    for (const [tags, path] of [
      [{ [P]: "x" }, `roles.r.Tags[${JSON.stringify(P)}]`],
      [[{ Key: `k-${P}`, Value: "x" }], "roles.r.Tags[0].Key"],
    ] as const) {
      const problems = problemsOf({ roles: { r: { RoleArn: ARN, Tags: tags } } });
      expect(problems).toContainEqual({ path, message: expect.stringContaining("tag values only") });
    }
  });

  it("names a misspelt placeholder", () => {
    for (const value of [`\${tenantID}`, `x-\${ tenantId }`, `\${tenant}`, `\${tenantId`]) {
      const problems = problemsOf({ roles: { r: { RoleArn: ARN, RoleSessionName: value } } });
      expect(problems, value).toEqual([
        { path: "roles.r.RoleSessionName", message: expect.stringContaining(`the only one is \${tenantId}`) },
      ]);
    }
  });

  it("still refuses literal names the schema refused before (too short, bad characters)", () => {
    for (const value of ["a", "alice smith!", "x".repeat(65)]) {
      const problems = problemsOf({ roles: { r: { RoleArn: ARN, RoleSessionName: value } } });
      expect(problems).toEqual([
        { path: "roles.r.RoleSessionName", message: expect.stringContaining("must be 2-64 characters") },
      ]);
    }
  });
});
