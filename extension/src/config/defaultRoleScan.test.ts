import { describe, expect, it } from "vitest";
import { seededRandom } from "../../test/support/seededRandom.mjs";
import { chooseDefaultRole } from "../startup/defaultRoleChoice.js";
import { scanDefaultRole } from "./defaultRoleScan.js";
import { parseConfigBytes } from "./parseYaml.js";
import { validateConfig } from "./validate.js";

/** The authority: the full parse and validation; undefined when the config is refused. */
function realDefaultRole(text: string): { valid: true; defaultRole: string | undefined } | { valid: false } {
  const parsed = parseConfigBytes(new TextEncoder().encode(text));
  if (!parsed.ok) return { valid: false };
  const validated = validateConfig(parsed.value);
  return validated.ok ? { valid: true, defaultRole: validated.config.defaultRole } : { valid: false };
}

const ARN = (name: string) => `arn:aws:iam::123456789012:role/${name}`;

describe("scanDefaultRole: simple forms", () => {
  it("reads `default: name` at column 0, plain, quoted, with a comment", () => {
    for (const line of [
      "default: b",
      "default: 'b'",
      'default: "b"',
      "default: b # the reader",
      "default:   b   ",
    ]) {
      const text = `${line}\nroles:\n  a:\n    RoleArn: ${ARN("a")}\n  b:\n    RoleArn: ${ARN("b")}\n`;
      expect(scanDefaultRole(text), line).toEqual({ decided: true, defaultRole: "b" });
      expect(realDefaultRole(text)).toEqual({ valid: true, defaultRole: "b" });
    }
  });

  it("without default: the one role, or none among several", () => {
    const one = `roles:\n  only:\n    RoleArn: ${ARN("a")}\n`;
    expect(scanDefaultRole(one)).toEqual({ decided: true, defaultRole: "only" });
    const two = `${one}  other:\n    RoleArn: ${ARN("b")}\n`;
    expect(scanDefaultRole(two)).toEqual({ decided: true, defaultRole: undefined });
  });

  it("leaves flow style, JSON, anchors, tags, merge keys, several documents and tabs undecided", () => {
    const cases = [
      `{"default": "a", "roles": {"a": {"RoleArn": "${ARN("a")}"}}}`,
      `default: *d\nroles:\n  a: &d\n    RoleArn: ${ARN("a")}\n`,
      `default: !!str a\nroles:\n  a:\n    RoleArn: ${ARN("a")}\n`,
      `roles:\n  <<: *base\n  a:\n    RoleArn: ${ARN("a")}\n`,
      `---\nroles:\n  a:\n    RoleArn: ${ARN("a")}\n---\ndefault: b\n`,
      `roles:\n\ta:\n\t\tRoleArn: ${ARN("a")}\n`,
      `roles: {a: {RoleArn: "${ARN("a")}"}}\n`,
      `default: a\ndefault: b\nroles:\n  a:\n    RoleArn: ${ARN("a")}\n`,
    ];
    for (const text of cases) expect(scanDefaultRole(text).decided, text).toBe(false);
  });
});

// ---- generated variants: the scan is undecided or agrees with the full parse ----

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
/** How often the odd forms appear: half the variants are mostly plain, so many are valid and decided. */
let oddness = 1;
const chance = (random: Random, p: number) => random() < p * oddness;

const NAMES = [
  "a",
  "reader",
  "writer",
  "audit-1",
  "b_2",
  "default",
  "yes",
  "No",
  "null",
  "on",
  "1",
  "0x1f",
  "TRUE",
];
const INDENTS = ["  ", "    ", " "];

/** One variant of a config: mostly well-formed block YAML, with the forms the scan must not misread. */
function generateConfig(random: Random): string {
  oddness = random() < 0.5 ? 1 : 0.1;
  const indent = pick(random, INDENTS);
  const inner = indent + pick(random, INDENTS);
  const roleCount = 1 + Math.floor(random() * 3);
  const names = Array.from({ length: roleCount }, () =>
    chance(random, 0.5) ? pick(random, NAMES) : pick(random, NAMES.slice(0, 6)),
  );
  const quoteName = (name: string) => pick(random, [name, name, `'${name}'`, `"${name}"`]);
  const roleLines: string[] = [];
  for (const name of names) {
    const key = chance(random, 0.08) ? `${quoteName(name)}` : name;
    const anchor = chance(random, 0.05) ? " &r" : "";
    const tag = chance(random, 0.03) ? " !!map" : "";
    if (chance(random, 0.06)) {
      roleLines.push(`${indent}${key}: {RoleArn: "${ARN(name)}"}`);
      continue;
    }
    roleLines.push(`${indent}${key}:${anchor}${tag}${chance(random, 0.1) ? " # role" : ""}`);
    roleLines.push(`${inner}RoleArn: ${pick(random, [ARN(name), `"${ARN(name)}"`, `'${ARN(name)}'`])}`);
    if (chance(random, 0.15))
      roleLines.push(`${inner}SourceIdentity: ${pick(random, ["x", "'y'", `|\n${inner}  z`])}`);
    if (chance(random, 0.1))
      roleLines.push(`${inner}Tags:\n${inner}  - Key: default\n${inner}    Value: "default: ${name}"`);
    if (chance(random, 0.05)) roleLines.push(`${indent}<<: *r`);
    if (chance(random, 0.04)) roleLines.push(`${inner}RoleSessionName: "multi\n${indent}default: x"`);
    if (chance(random, 0.04)) roleLines.push(`default: ${pick(random, NAMES)}`);
  }
  const top: string[][] = [];
  if (chance(random, 0.7)) {
    const value = pick(random, [...names, ...NAMES]);
    const form = pick(random, [
      quoteName(value),
      quoteName(value),
      `${quoteName(value)} # comment`,
      `*d`,
      `!!str ${value}`,
      `[${value}]`,
      `>\n  ${value}`,
      `${value}\n  ${value}`,
    ]);
    top.push([`default${chance(random, 0.05) ? " " : ""}: ${form}`]);
    if (chance(random, 0.05)) top.push([`default: ${pick(random, names)}`]);
  }
  const rolesHead = pick(random, ["roles:", "roles:", "roles: # all", "roles: &roles", '"roles":']);
  top.push([rolesHead, ...roleLines]);
  if (chance(random, 0.1)) top.push(["$schema: ./config.schema.json"]);
  if (chance(random, 0.04)) top.push(["other: 1"]);
  if (chance(random, 0.5)) top.reverse();
  let text = top.map((block) => block.join("\n")).join(chance(random, 0.2) ? "\n\n# between\n" : "\n");
  if (chance(random, 0.05)) text = `---\n${text}`;
  if (chance(random, 0.03)) text = `${text}\n---\ndefault: a\n`;
  if (chance(random, 0.03)) text = text.replaceAll("\n", "\r\n");
  if (chance(random, 0.03)) text = text.replace(indent, "\t");
  if (chance(random, 0.03)) text = `\ufeff${text}`;
  return `${text}\n`;
}

describe("scanDefaultRole against the full parse, generated variants", () => {
  it("is undecided or agrees with the parser and validator, for every variant (seeded)", () => {
    const random = seededRandom(21);
    let decidedValid = 0;
    let undecidedValid = 0;
    let decidedWithDefault = 0;
    let decidedWithout = 0;
    for (let i = 0; i < 5000; i++) {
      const text = generateConfig(random);
      const scan = scanDefaultRole(text);
      const real = realDefaultRole(text);
      if (!real.valid) continue;
      if (!scan.decided) {
        undecidedValid += 1;
        continue;
      }
      expect(scan.defaultRole, text).toBe(real.defaultRole);
      decidedValid += 1;
      if (scan.defaultRole === undefined) decidedWithout += 1;
      else decidedWithDefault += 1;
    }
    // Controls: the generator makes valid configs the scan decides (with and without a default) and
    // valid configs it leaves to the parser, so the comparison above really ran both ways.
    expect(decidedWithDefault).toBeGreaterThan(100);
    expect(decidedWithout).toBeGreaterThan(100);
    expect(undecidedValid).toBeGreaterThan(100);
    expect(decidedValid).toBe(decidedWithDefault + decidedWithout);
  });
});

// Before `register` what the scan leaves undecided goes to the simple reader (startup/defaultRoleChoice.ts).
// A comment with an apostrophe first leaves every variant to it (or undecided): it must agree too.
describe("the default role chosen before register against the full parse, generated variants", () => {
  it("is undecided or agrees with the parser and validator, after a comment the scan cannot read", () => {
    const random = seededRandom(22);
    let readBySimpleReader = 0;
    let undecidedValid = 0;
    for (let i = 0; i < 5000; i++) {
      const text = `# the function's roles\n${generateConfig(random)}`;
      expect(scanDefaultRole(text).decided).toBe(false);
      const bytes = new TextEncoder().encode(text);
      const choice = chooseDefaultRole({
        kind: "file",
        path: "/var/task/c.yaml",
        read: { ok: true, bytes: Buffer.from(bytes) },
      });
      const real = realDefaultRole(text);
      if (!real.valid) continue;
      if (!choice.decided) {
        undecidedValid += 1;
        continue;
      }
      expect(choice.defaultRole, text).toBe(real.defaultRole);
      readBySimpleReader += 1;
    }
    // Controls: both ways ran.
    expect(readBySimpleReader).toBeGreaterThan(100);
    expect(undecidedValid).toBeGreaterThan(100);
  });
});
