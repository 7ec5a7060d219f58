/**
 * Keys mean what they say: a key YAML reads as anything but text (a number, a boolean, null, a
 * date, a merge, a collection) is refused with its line, so two keys can never name one role. Key
 * spellings are generated (seeded), YAML 1.2 (the default) and 1.1 (`%YAML 1.1`) forms, each with a
 * control that the yaml library really converts it.
 */

import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { seededRandom } from "../../test/support/seededRandom.mjs";
import { type ParseResult, parseConfigBytes } from "./parseYaml.js";

const ARN = "arn:aws:iam::123456789012:role/";
const YAML_1_1 = "%YAML 1.1\n---\n";

type Version = "1.2" | "1.1";

/** `count` spellings of each kind of key YAML converts, under the given version. */
function convertedKeys(version: Version, count: number, seed: number): string[] {
  const random = seededRandom(seed);
  const int = (limit: number) => Math.floor(random() * limit);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  const caseOf = (word: string) => pick([word, word[0]?.toUpperCase() + word.slice(1), word.toUpperCase()]);
  const common: (() => string)[] = [
    () => String(int(100_000)),
    () => `${pick(["+", "-"])}${int(1000)}`,
    () => `${int(1000)}.${int(100)}`,
    () => `${int(100)}${pick(["e", "E"])}${pick(["", "+", "-"])}${int(5)}`,
    () => `${pick(["", "+", "-"])}${pick([".inf", ".Inf", ".INF"])}`,
    () => pick([".nan", ".NaN", ".NAN"]),
    () => caseOf(pick(["true", "false", "null"])),
    () => "~",
  ];
  const only12: (() => string)[] = [
    () => `0x${int(0xffff).toString(16)}`,
    () => `0o${int(0o777).toString(8)}`,
  ];
  const only11: (() => string)[] = [
    () => caseOf(pick(["yes", "no", "on", "off"])),
    () => `0${int(0o777).toString(8)}`,
    () => `0b${int(64).toString(2)}`,
    () => `${1 + int(9)}_${String(int(1000)).padStart(3, "0")}`,
    () => `${int(60)}:${String(int(60)).padStart(2, "0")}`,
    () => `20${10 + int(20)}-${String(1 + int(12)).padStart(2, "0")}-${String(1 + int(28)).padStart(2, "0")}`,
  ];
  const kinds = [...common, ...(version === "1.2" ? only12 : only11)];
  return kinds.flatMap((make) => Array.from({ length: count }, make));
}

function prefix(version: Version): string {
  return version === "1.1" ? YAML_1_1 : "";
}

/** The control: what the yaml library itself makes of the key (no checks of ours). */
function yamlReadsAs(version: Version, key: string): unknown {
  const document = parseDocument(`${prefix(version)}${key}: x\n`);
  expect(document.errors).toEqual([]);
  const contents = document.contents as { items: { key: { value: unknown } }[] };
  return contents.items[0]?.key.value;
}

function problemsOf(result: ParseResult) {
  if (result.ok) throw new Error(`expected problems, got ${JSON.stringify(result.value)}`);
  return result.problems;
}

const utf8 = (text: string) => new TextEncoder().encode(text);

describe.each(["1.2", "1.1"] as const)("YAML %s keys", (version) => {
  const keys = [...new Set(convertedKeys(version, 6, version === "1.2" ? 0x6b_e15 : 0x6b_e11))];
  const directiveLines = version === "1.1" ? 2 : 0;

  it("generates keys the yaml library reads as something other than text (the control)", () => {
    for (const key of keys)
      expect({ key, type: typeof yamlReadsAs(version, key) }).not.toEqual({ key, type: "string" });
    expect(keys.length).toBeGreaterThan(40);
  });

  it.each(keys)("refuses the unquoted role name %s with its line and text", (key) => {
    const text = `${prefix(version)}roles:\n  reader:\n    RoleArn: ${ARN}reader\n  ${key}:\n    RoleArn: ${ARN}other\n`;

    const problems = problemsOf(parseConfigBytes(utf8(text)));

    expect(problems).toEqual([
      {
        path: `line ${directiveLines + 4}, column 3`,
        message: expect.stringContaining(`the key ${JSON.stringify(key)} is read by YAML as`),
      },
    ]);
    expect(problems[0]?.message).toContain("quote it");
  });

  it.each(keys)("keeps the quoted role name '%s' as written", (key) => {
    const text = `${prefix(version)}roles:\n  '${key}':\n    RoleArn: ${ARN}reader\n`;

    const result = parseConfigBytes(utf8(text));

    expect(result).toEqual({ ok: true, value: { roles: { [key]: { RoleArn: `${ARN}reader` } } } });
  });

  it.each(keys)(
    "refuses %s beside the quoted text YAML turns it into, where the library alone drops one",
    (key) => {
      const twin = String(yamlReadsAs(version, key) ?? "");
      const text = `${prefix(version)}roles:\n  '${twin}':\n    RoleArn: ${ARN}a\n  ${key}:\n    RoleArn: ${ARN}b\n`;
      // The control: the library's own toJS keeps one role of the two (dates aside, which keep both)
      const alone = parseDocument(text).toJS() as { roles: Record<string, unknown> };
      if (!(yamlReadsAs(version, key) instanceof Date)) expect(Object.keys(alone.roles)).toHaveLength(1);

      const problems = problemsOf(parseConfigBytes(utf8(text)));

      expect(problems.map((problem) => problem.path)).toEqual([`line ${directiveLines + 4}, column 3`]);
    },
  );
});

describe("keys that are not names", () => {
  it.each([
    ["a flow list", "roles:\n  [a, b]:\n    RoleArn: x\n", "line 2, column 3", "is a list or mapping"],
    ["a flow mapping", "roles:\n  {a: 1}:\n    RoleArn: x\n", "line 2, column 3", "is a list or mapping"],
    ["an alias", "name: &n reader\nroles:\n  *n :\n    RoleArn: x\n", "line 3, column 3", "is an alias"],
    ["a 1.1 merge", `${YAML_1_1}base: &b {r: {RoleArn: x}}\nroles:\n  <<: *b\n`, "line 5, column 3", "merge"],
    ["an empty key", "roles:\n  ? \n  : x\n", "line 2, column 5", "null"],
  ])("refuses %s as a key, with its line", (_case, text, path, message) => {
    const problems = problemsOf(parseConfigBytes(utf8(text)));

    expect(problems).toEqual([{ path, message: expect.stringContaining(message) }]);
  });

  it("checks keys at every level, not only role names (a tag key 010 is not the tag 10)", () => {
    const text = `${YAML_1_1}roles:\n  reader:\n    RoleArn: ${ARN}reader\n    Tags:\n      010: x\n`;

    expect(problemsOf(parseConfigBytes(utf8(text)))).toEqual([
      {
        path: "line 7, column 7",
        message: expect.stringContaining('the key "010" is read by YAML as the number 8'),
      },
    ]);
  });

  it("refuses two spellings of one number as one key, with the second one's line", () => {
    const problems = problemsOf(
      parseConfigBytes(utf8("roles:\n  1:\n    RoleArn: a\n  0x1:\n    RoleArn: b\n")),
    );

    expect(problems.map((problem) => problem.path)).toContain("line 4, column 3");
  });

  it.each([
    ["quoted", "'reader'"],
    ["double-quoted", '"reader"'],
    ["escaped", '"re\\x61der"'],
    ["unicode-escaped", '"re\\u0061der"'],
    ["tagged !!str", "!!str reader"],
    ["an explicit ? key", "? reader\n  "],
  ])("refuses a second reader spelt %s, with its line", (_case, spelling) => {
    const text = `roles:\n  reader:\n    RoleArn: ${ARN}a\n  ${spelling}:\n    RoleArn: ${ARN}b\n`;

    const problems = problemsOf(parseConfigBytes(utf8(text)));

    expect(problems).toEqual([
      { path: expect.stringMatching(/^line 4, column \d+$/), message: expect.stringContaining("unique") },
    ]);
  });

  it("still reads a 1.2 '<<' as the plain key it is (validation then refuses it as unknown)", () => {
    const result = parseConfigBytes(utf8("roles:\n  reader:\n    <<: {a: 1}\n"));

    expect(result).toEqual({ ok: true, value: { roles: { reader: { "<<": { a: 1 } } } } });
  });
});
