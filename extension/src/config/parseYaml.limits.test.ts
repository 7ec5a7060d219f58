/**
 * Structure limits of the config parser, for every way YAML can nest: generated variants of depth
 * just under and just over the limit, in each syntax and mixed, with quotes and comments that
 * fooled the old character scan (a `'` in a plain scalar, `#` inside quotes).
 */
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../test/support/seededRandom.mjs";
import {
  MAX_COLLECTION_ITEMS,
  MAX_NESTING,
  MAX_TOKENS,
  type ParseResult,
  parseConfigBytes,
} from "./parseYaml.js";

const utf8 = (text: string) => new TextEncoder().encode(text);
const random = seededRandom(1101);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

/** One nesting level in each syntax: opens at `indent`, returns the text and the next indent. */
type Level = (indent: number) => { open: string; close?: string; next: number };
const LEVELS: Record<string, Level> = {
  "flow [": () => ({ open: "[", close: "]", next: -1 }),
  "flow {": () => ({ open: "{ k: ", close: "}", next: -1 }),
  "block -": (indent) => ({ open: "- ", next: indent + 2 }),
  "block key": (indent) => ({ open: `k:\n${" ".repeat(indent + 1)}`, next: indent + 1 }),
  "explicit ? key": (indent) => ({ open: `? k\n${" ".repeat(indent)}: `, next: indent + 2 }),
};
const FLOW = new Set(["flow [", "flow {"]);

/** `depth` nested collections, the syntaxes drawn from `kinds`, once flow always flow (YAML's rule). */
function nested(depth: number, kinds: readonly string[]): string {
  let text = "roles:\n  a:\n    RoleSessionName: it's a [quote\n    x: ";
  let indent = 4;
  let inFlow = false;
  let closers = "";
  for (let level = 2; level < depth; level++) {
    const kind = inFlow ? pick([...FLOW]) : pick(kinds);
    if (!inFlow && !FLOW.has(kind)) {
      indent += 2;
      text += `\n${" ".repeat(indent)}`;
    }
    const step = (LEVELS[kind] as Level)(indent);
    text += step.open;
    closers = (step.close ?? "") + closers;
    if (step.next >= 0) indent = step.next + 2;
    if (FLOW.has(kind)) inFlow = true;
    // A quoted '#q[' as a list item; after a mapping's `{ k: ` it would make the next level a key.
    if (random() < 0.1) text += kind === "flow [" ? "'#q[', " : "";
  }
  return `${text}leaf${closers}\n`;
}

function problems(result: ParseResult) {
  return result.ok ? [] : result.problems;
}

describe("parseConfigBytes nesting limit", () => {
  const syntaxes = [
    ...Object.keys(LEVELS).map((k) => [k, [k]] as const),
    ["mixed", Object.keys(LEVELS)] as const,
  ];

  it.each(syntaxes)(
    "%s: far past the limit is refused at the line where it passes it, fast",
    (_name, kinds) => {
      for (let i = 0; i < 5; i++) {
        const text = nested(MAX_NESTING + 10 + Math.floor(random() * 100), kinds);
        const started = performance.now();
        const found = problems(parseConfigBytes(utf8(text)));
        expect(performance.now() - started).toBeLessThan(1000);
        expect(found).toHaveLength(1);
        expect(found[0]?.message).toBe(`nests more than ${MAX_NESTING} levels deep`);
        const line = Number(/^line (\d+)$/.exec(found[0]?.path ?? "")?.[1]);
        // Refused where it happens, not at the end of the file.
        expect(line).toBeGreaterThanOrEqual(1);
        expect(line).toBeLessThan(text.split("\n").length);
      }
    },
  );

  it.each(syntaxes)("%s: 20 levels parse (deeper than any real config)", (_name, kinds) => {
    for (let i = 0; i < 5; i++) {
      const text = nested(20, kinds);
      expect(problems(parseConfigBytes(utf8(text))), text).toEqual([]);
    }
  });

  it("counts [ after a quote inside a plain scalar (the old scan's blind spot)", () => {
    const text = `roles:\n  a:\n    RoleSessionName: it's\n    x: ${"[".repeat(5000)}\n`;
    expect(problems(parseConfigBytes(utf8(text)))).toEqual([
      { path: "line 4", message: `nests more than ${MAX_NESTING} levels deep` },
    ]);
  });

  it("a block mapping 1,400 levels deep (1 MiB; once a stack overflow) is refused at the line of level 65", () => {
    const lines = ["roles:"];
    for (let depth = 1; depth <= 1400; depth++) lines.push(`${" ".repeat(depth)}k${depth}:`);
    const text = `${lines.join("\n")} leaf\n`;
    expect(text.length).toBeLessThan(1024 * 1024);
    const found = problems(parseConfigBytes(utf8(text)));
    expect(found).toEqual([
      { path: expect.stringMatching(/^line 6\d$/), message: `nests more than ${MAX_NESTING} levels deep` },
    ]);
  });

  it("1 MiB of `- ` (block nesting, which the old scan did not count) is refused on line 1", () => {
    const text = `${"- ".repeat(512 * 1024 - 1)}\n`;
    expect(problems(parseConfigBytes(utf8(text)))).toEqual([
      { path: "line 1", message: `nests more than ${MAX_NESTING} levels deep` },
    ]);
  });
});

describe("parseConfigBytes size limits", () => {
  it.each([
    ["a block mapping", (i: number) => `k${i}: v\n`, "roles:\n"],
    ["a block sequence", () => "  - v\n", "roles:\n"],
    ["a flow sequence", () => "v, ", "roles: ["],
    ["a flow mapping", (i: number) => `k${i}: v, `, "roles: {"],
  ])(`%s past ${MAX_COLLECTION_ITEMS} items is refused, naming the line`, (_name, item, head) => {
    const text = head + Array.from({ length: MAX_COLLECTION_ITEMS + 1 }, (_, i) => item(i)).join("");
    const [problem] = problems(parseConfigBytes(utf8(text)));
    expect(problem?.message).toBe(
      `has a list or mapping too long for a config (more than ${MAX_COLLECTION_ITEMS} items)`,
    );
    expect(problem?.path).toMatch(/^line \d+$/);
  });

  it(`refuses more than ${MAX_TOKENS} tokens spread over small collections`, () => {
    const role = (i: number) => `    r${i}:\n      Tags: {a: b, c: d, e: f, g: h}\n`;
    const group = (g: number) => `  g${g}:\n${Array.from({ length: 400 }, (_, i) => role(i)).join("")}`;
    const text = `roles:\n${Array.from({ length: 10 }, (_, g) => group(g)).join("")}`;
    const [problem] = problems(parseConfigBytes(utf8(text)));
    expect(problem?.message).toBe(`has more than ${MAX_TOKENS} YAML tokens; a config is far smaller`);
  });
});
