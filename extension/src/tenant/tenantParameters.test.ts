/**
 * Putting the tenant id into a role's parameters: the fields that hold ${tenantId} get the id as it
 * is, and an id that does not fit a field (characters STS refuses there, or a result too long) refuses
 * the role instead of being escaped or cut, which could make two tenants' values one.
 */
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../test/support/seededRandom.mjs";
import type { AssumeRoleParameters } from "../config/types.js";
import { resolveTenant } from "./tenantParameters.js";

const P = `\${tenantId}`;
const BASE: AssumeRoleParameters = {
  RoleArn: "arn:aws:iam::123456789012:role/reader",
  DurationSeconds: 3600,
};
const NAME_OK = "abcXYZ019_+=,.@-";
const TAG_ONLY = ":/ é";

function resolved(parameters: AssumeRoleParameters, tenantId: string): AssumeRoleParameters {
  const result = resolveTenant(parameters, tenantId);
  if (!result.ok) throw new Error(result.message);
  return result.parameters;
}

describe("resolveTenant", () => {
  it("puts the id into the session name, the source identity and tag values, every occurrence", () => {
    const parameters = {
      ...BASE,
      RoleSessionName: `t-${P}`,
      SourceIdentity: `${P}.${P}`,
      Tags: [
        { Key: "tenant", Value: P },
        { Key: "app", Value: "orders" },
      ],
    };

    expect(resolved(parameters, "blue")).toEqual({
      ...BASE,
      RoleSessionName: "t-blue",
      SourceIdentity: "blue.blue",
      Tags: [
        { Key: "tenant", Value: "blue" },
        { Key: "app", Value: "orders" },
      ],
    });
  });

  it("leaves parameters without the placeholder exactly as they are (control)", () => {
    const parameters = { ...BASE, RoleSessionName: "fixed", Tags: [{ Key: "app", Value: "orders" }] };
    expect(resolved(parameters, "any tenant: / é")).toEqual(parameters);
  });

  it("refuses ids with a character STS refuses in a session name, for every such character", () => {
    const refused = [..." :/é!#$%&'()*;<>?[]^`{|}~\"\\\t"].filter((c) => !/[\w+=,.@-]/.test(c));
    for (const character of refused) {
      const result = resolveTenant({ ...BASE, RoleSessionName: `t-${P}` }, `a${character}b`);
      expect(result, JSON.stringify(character)).toMatchObject({ ok: false });
      expect(result.ok ? "" : result.message).toMatch(/RoleSessionName .*letters, digits and _\+=,\.@-/);
    }
    for (const character of NAME_OK)
      expect(resolveTenant({ ...BASE, RoleSessionName: P }, `a${character}`).ok).toBe(true);
  });

  it("takes in tag values the characters tags allow but session names do not", () => {
    const tags = { ...BASE, Tags: [{ Key: "tenant", Value: P }] };
    expect(resolved(tags, `x${TAG_ONLY}`).Tags).toEqual([{ Key: "tenant", Value: `x${TAG_ONLY}` }]);
    expect(resolveTenant({ ...tags, RoleSessionName: `s-${P}` }, `x${TAG_ONLY}`).ok).toBe(false);
    expect(resolveTenant(tags, "a!b")).toMatchObject({ ok: false });
  });

  it("refuses a result outside STS's lengths, at the exact limits", () => {
    const name = { ...BASE, RoleSessionName: `tenant-${P}` }; // 7 + id
    expect(resolved(name, "x".repeat(57)).RoleSessionName).toHaveLength(64);
    expect(resolveTenant(name, "x".repeat(58))).toMatchObject({ ok: false });
    expect(resolveTenant({ ...BASE, SourceIdentity: P }, "x")).toMatchObject({ ok: false });
    expect(resolved({ ...BASE, SourceIdentity: P }, "xy").SourceIdentity).toBe("xy");
    const tag = { ...BASE, Tags: [{ Key: "tenant", Value: `t-${P}` }] };
    expect(resolved(tag, "é".repeat(254)).Tags?.[0]?.Value).toHaveLength(256);
    expect(resolveTenant(tag, "é".repeat(255))).toMatchObject({ ok: false });
  });

  it("never makes two different ids into one value (seeded random ids)", () => {
    const random = seededRandom(18);
    const alphabet = `abcXYZ019_.=+@-${TAG_ONLY}`; // what tag values allow (no comma there)
    const parameters = { ...BASE, Tags: [{ Key: "tenant", Value: `p-${P}-s` }] };
    const seen = new Map<string, string>();
    for (let i = 0; i < 2000; i++) {
      const length = 1 + Math.floor(random() * 6);
      const id = Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join("");
      const value = resolved(parameters, id).Tags?.[0]?.Value ?? "";
      const before = seen.get(value);
      if (before !== undefined) expect(before).toBe(id);
      seen.set(value, id);
    }
    expect(seen.size).toBeGreaterThan(1000);
  });
});
