import { describe, expect, it } from "vitest";
import { MAX_CONFIG_BYTES } from "./limits.js";
import { type ParseResult, parseConfigBytes } from "./parseYaml.js";

const utf8 = (text: string) => new TextEncoder().encode(text);

function problemsOf(result: ParseResult) {
  if (result.ok) throw new Error(`expected problems, got ${JSON.stringify(result.value)}`);
  return result.problems;
}

/** The classic "billion laughs": each level has `width` aliases of the one before. */
function aliasBomb(levels: number, width: number): string {
  const lines = ['l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let level = 1; level < levels; level++) {
    lines.push(
      `l${level}: &l${level} [${Array(width)
        .fill(`*l${level - 1}`)
        .join(", ")}]`,
    );
  }
  return lines.join("\n");
}

describe("parseConfigBytes", () => {
  it("parses YAML into plain values", () => {
    const result = parseConfigBytes(
      utf8("roles:\n  reader:\n    RoleArn: arn:aws:iam::123456789012:role/r\n"),
    );

    expect(result).toEqual({
      ok: true,
      value: { roles: { reader: { RoleArn: "arn:aws:iam::123456789012:role/r" } } },
    });
  });

  it("parses JSON, which is YAML too", () => {
    const result = parseConfigBytes(utf8('{"roles": {"a": {"DurationSeconds": 900}}}'));

    expect(result).toEqual({ ok: true, value: { roles: { a: { DurationSeconds: 900 } } } });
  });

  it("resolves a few legitimate aliases", () => {
    const text = "tags: &tags {team: data}\nroles:\n  a: {Tags: *tags}\n  b: {Tags: *tags}\n";

    const result = parseConfigBytes(utf8(text));

    expect(result.ok && result.value).toEqual({
      tags: { team: "data" },
      roles: { a: { Tags: { team: "data" } }, b: { Tags: { team: "data" } } },
    });
  });

  it("names the line and column of a syntax error", () => {
    const text = "roles:\n  reader:\n    RoleArn: [unclosed\n    DurationSeconds: 900\n";

    const [problem, ...rest] = problemsOf(parseConfigBytes(utf8(text)));

    expect(rest).toEqual([]);
    expect(problem?.path).toMatch(/^line \d+, column \d+$/);
    expect(problem?.path).not.toBe("line 1, column 1");
    expect(problem?.message).toMatch(/^YAML syntax error: /);
  });

  it("points at the offending line of a tab-indented file", () => {
    const problems = problemsOf(parseConfigBytes(utf8("roles:\n\treader: {}\n")));

    expect(problems).toEqual([{ path: "line 2, column 1", message: expect.stringContaining("Tabs") }]);
  });

  it("refuses duplicate keys, naming where the second one is", () => {
    const text = "roles:\n  reader:\n    RoleArn: a\n    RoleArn: b\n";

    const problems = problemsOf(parseConfigBytes(utf8(text)));

    expect(problems).toEqual([
      {
        path: "line 4, column 5",
        message: expect.stringMatching(/^YAML syntax error: Map keys must be unique/),
      },
    ]);
  });

  it("refuses bytes that are not UTF-8", () => {
    const latin1 = new Uint8Array([...utf8("roles:\n  caf"), 0xe9, ...utf8(": {}\n")]);

    expect(problemsOf(parseConfigBytes(latin1))).toEqual([{ path: "", message: "is not valid UTF-8" }]);
  });

  it.each([
    ["an empty file", ""],
    ["a file of blank lines", "\n  \n\n"],
  ])("refuses %s", (_title, text) => {
    expect(problemsOf(parseConfigBytes(utf8(text)))).toEqual([
      { path: "", message: "is empty; it needs a roles: mapping" },
    ]);
  });

  it("refuses more than 1 MiB without decoding it", () => {
    // Invalid UTF-8 throughout: had the bytes been decoded first, the message would say so.
    const oversized = new Uint8Array(MAX_CONFIG_BYTES + 1).fill(0xff);

    expect(problemsOf(parseConfigBytes(oversized))).toEqual([
      { path: "", message: "is 1048577 bytes; a config may be at most 1048576 bytes" },
    ]);
  });

  it("accepts exactly 1 MiB", () => {
    const text = `roles: {}${" ".repeat(MAX_CONFIG_BYTES - "roles: {}".length)}`;

    expect(parseConfigBytes(utf8(text)).ok).toBe(true);
  });

  it("refuses a billion-laughs alias bomb quickly, saying why", () => {
    // Prepare: 9 levels of 9 aliases expand to 9^9 strings if resolved.
    const bomb = utf8(aliasBomb(9, 9));

    // Act
    const started = performance.now();
    const problems = problemsOf(parseConfigBytes(bomb));
    const elapsedMs = performance.now() - started;

    // Assess
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(/alias/i);
    expect(elapsedMs).toBeLessThan(1000);
  });

  it("refuses a file with too many aliases outright", () => {
    const text = `a: &a x\nlist: [${Array(201).fill("*a").join(", ")}]\n`;

    expect(problemsOf(parseConfigBytes(utf8(text)))).toEqual([
      { path: "", message: "uses 201 YAML aliases; at most 200 are allowed" },
    ]);
  });
});
