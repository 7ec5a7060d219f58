import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { MAX_CONFIG_BYTES } from "./limits.js";
import { parseConfigBytes } from "./parseYaml.js";
import { readSimpleYaml } from "./simpleYaml.js";

const utf8 = (text: string) => new TextEncoder().encode(text);
const REPO = join(import.meta.dirname, "..", "..", "..");

/** Where the simple reader answers, the YAML library (parseYaml.ts, the authority) must answer the same. */
function expectAgreement(text: string): unknown {
  const simple = readSimpleYaml(utf8(text));
  if (simple !== undefined) {
    const full = parseConfigBytes(utf8(text));
    expect(full, text).toStrictEqual({ ok: true, value: simple });
  }
  return simple;
}

/** A deterministic generator (a fixed-seed linear congruential one): the same documents every run. */
function generator(seed: number) {
  let state = seed;
  const next = () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32;
  };
  return { pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T, next };
}

// biome-ignore lint/suspicious/noTemplateCurlyInString: the config's placeholder, written as users write it
const TENANT = "${tenantId}";
// Keys and scalars chosen to sit on both sides of what YAML reads as text, as written.
// biome-ignore format: a table of inputs, packed
const KEYS = [
  "reader", "RoleArn", "$schema", "aws:SourceIp", "a.b/c-d_e", "_x", "Key", "Value", "true", "Null",
  "y", "ON", "1", "0x1", "~", "<<", "__proto__", "constructor", "a b", "'quoted'", '"double"', "a#b",
  "-x", "?x", "&a", "*a", "!t", "%x", "@x", "[a]", "{a}", "a:b:c", "x".repeat(1100), "toString",
] as const;
// biome-ignore format: a table of inputs, packed
const SCALARS = [
  "arn:aws:iam::123456789012:role/orders-reader", "900", "0", "007", "-1", "+1", "1e3", "0x1F", "0o7",
  "1.5", ".5", ".inf", "-.inf", ".nan", "NaN", "Infinity", "true", "True", "FALSE", "yes", "No", "on",
  "null", "NULL", "~", "", `tenant-${TENANT}`, TENANT, "a: b", "a:b", "a:", "a #c", "a#c",
  "a  #c", "'single'", "'it''s'", "''", '"double"', '"esc\\n"', '""', '"a" b', "'a' #c", "*alias",
  "&anchor x", "!tag x", "!!str 1", "|", ">", "[a, b]", "{a: 1}", "- x", "? x", "%x", "@x", "`x",
  "a b  c", "a, b", "a {b} c", "a [b]", "x&y", "a *b", "a !b", "a ~", "123456789012", "1234567890123456",
  "2024-01-01", "1:30", "0.0.0.0/0", "s3:GetObject", "arn:aws:s3:::bucket/*", "/path/x", "_u", "$x",
  "éé", "a\tb", "a\rb", "\ufeffa", "a ",
] as const;
const COMMENTS = ["", "", "", " # note", "  #", " #: x"] as const;
/** Of the above, those it reads: documents of these alone it must read. */
const PLAIN_KEYS = KEYS.slice(0, 8);
// biome-ignore format: a table of inputs, packed
const PLAIN_SCALARS = [
  "arn:aws:iam::123456789012:role/orders-reader", "900", "0", `tenant-${TENANT}`, TENANT,
  "a:b", "'single'", "''", '"double"', "'a' #c", "a b  c", "a, b", "123456789012", "0.0.0.0/0",
  "7f3c-orders", "s3:GetObject", "arn:aws:s3:::bucket/*", "/path/x", "a ", "NaN", "Infinity",
] as const;

/** A block-style document: nested mappings and lists (indented or at their key's column), comments. */
function document(seed: number, plainOnly = false): string {
  const { pick, next } = generator(seed);
  const keys = plainOnly ? PLAIN_KEYS : KEYS;
  const scalars = plainOnly ? PLAIN_SCALARS : SCALARS;
  const lines: string[] = [];
  const step = pick([1, 2, 2, 3, 4]);
  const scalarLine = (prefix: string) => lines.push(`${prefix}${pick(scalars)}${pick(COMMENTS)}`);
  const mapping = (indent: number, depth: number, firstPrefix?: string) => {
    const count = 1 + Math.floor(next() * 3);
    const used = new Set<string>();
    for (let i = 0; i < count; i++) {
      const pad = i === 0 && firstPrefix !== undefined ? firstPrefix : " ".repeat(indent);
      const key = next() < 0.8 ? pick(keys.slice(0, 16)) : pick(keys);
      // Documents of plain keys only: no key twice in a mapping (which the library refuses).
      if (plainOnly && used.has(key)) continue;
      used.add(key);
      const kind = depth >= 3 ? 0 : next();
      if (next() < 0.1) lines.push(pick(["", "# comment", `${" ".repeat(indent)}# indented`, "   "]));
      if (kind < 0.55) scalarLine(`${pad}${key}: `);
      else if (kind < 0.8) {
        lines.push(`${pad}${key}:${pick(COMMENTS)}`);
        mapping(indent + step, depth + 1);
      } else {
        lines.push(`${pad}${key}:`);
        list(next() < 0.5 ? indent : indent + step, depth + 1);
      }
    }
  };
  const list = (indent: number, depth: number) => {
    const count = 1 + Math.floor(next() * 3);
    for (let i = 0; i < count; i++) {
      const pad = " ".repeat(indent);
      if (depth < 3 && next() < 0.4) mapping(indent + 2, depth + 1, `${pad}- `);
      else scalarLine(`${pad}- `);
    }
  };
  mapping(0, 0);
  return `${lines.join("\n")}${pick(["\n", "", "\n\n"])}`;
}

describe("readSimpleYaml", () => {
  it("reads every example config, and each as the YAML library does", () => {
    const dir = join(REPO, "examples", "config");
    const files = readdirSync(dir).filter((name) => name.endsWith(".yaml"));
    expect(files.length).toBeGreaterThanOrEqual(4);
    for (const name of files) {
      const text = readFileSync(join(dir, name), "utf8");
      expect(expectAgreement(text), name).toBeDefined();
    }
  });

  it("reads mappings, lists at their key's column or deeper, lists of mappings, quotes and comments", () => {
    const text = [
      "# top comment",
      "default: reader # the default",
      "roles:",
      "  reader:",
      "    RoleArn: 'arn:aws:iam::123456789012:role/r'",
      "    DurationSeconds: 900",
      "    Tags:",
      "    - Key: team",
      '      Value: "orders: eu"',
      "    - Key: cost",
      "      Value: '#1'",
      "",
      "    TransitiveTagKeys:",
      "      - team",
      "  writer:",
      "    RoleArn: arn:aws:iam::123456789012:role/w",
      "    Policy:",
      "      Statement:",
      "        - Effect: Allow",
      "          Action:",
      "          - s3:GetObject",
      "          Resource: arn:aws:s3:::bucket/*",
      "          Condition:",
      "            IpAddress:",
      "              aws:SourceIp: 10.0.0.0/8",
      "",
    ].join("\n");

    expect(expectAgreement(text)).toStrictEqual({
      default: "reader",
      roles: {
        reader: {
          RoleArn: "arn:aws:iam::123456789012:role/r",
          DurationSeconds: 900,
          Tags: [
            { Key: "team", Value: "orders: eu" },
            { Key: "cost", Value: "#1" },
          ],
          TransitiveTagKeys: ["team"],
        },
        writer: {
          RoleArn: "arn:aws:iam::123456789012:role/w",
          Policy: {
            Statement: [
              {
                Effect: "Allow",
                Action: ["s3:GetObject"],
                Resource: "arn:aws:s3:::bucket/*",
                Condition: { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } },
              },
            ],
          },
        },
      },
    });
  });

  // As the CDK construct writes a session policy (yaml's stringify), and as IAM conditions are written.
  it("reads a policy's plain Version as text, and quoted keys", () => {
    const text = [
      "roles:",
      "  a:",
      "    RoleArn: arn:aws:iam::123456789012:role/a",
      "    Policy:",
      "      Version: 2012-10-17",
      "      Statement:",
      "        - Effect: Allow",
      '          Action: "s3:*"',
      "          Resource: arn:aws:s3:::b/*",
      "          Condition:",
      "            StringEquals:",
      '              "aws:PrincipalTag/team": orders',
      "              'aws:RequestedRegion': eu-west-1",
      "",
    ].join("\n");

    expect(expectAgreement(text)).toStrictEqual({
      roles: {
        a: {
          RoleArn: "arn:aws:iam::123456789012:role/a",
          Policy: {
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Action: "s3:*",
                Resource: "arn:aws:s3:::b/*",
                Condition: {
                  StringEquals: { "aws:PrincipalTag/team": "orders", "aws:RequestedRegion": "eu-west-1" },
                },
              },
            ],
          },
        },
      },
    });
  });

  // The CDK construct writes its config with yaml's stringify (layer/cdk/configDelivery.ts).
  it("reads a config as yaml's stringify writes it", () => {
    const config = {
      default: "reader",
      roles: {
        reader: {
          RoleArn: "arn:aws:iam::123456789012:role/reader",
          DurationSeconds: 900,
          SourceIdentity: "orders-service",
          Policy: {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::b/*" }],
          },
          Tags: [{ Key: "team", Value: "orders eu" }],
          TransitiveTagKeys: ["team"],
        },
        chained: { RoleArn: "arn:aws:iam::210987654321:role/chained", source: "reader", region: "eu-west-1" },
      },
    };
    const text = `# Written by the CredentialsSidecar CDK construct at synth time.\n${stringify(config)}`;

    expect(expectAgreement(text)).toStrictEqual(config);
  });

  it.each(["0o17", "017", "0x1F", "1e3", "1E-3", "1.5", "1.", "2.5e10", "1234567890123456"])(
    "leaves %s, which YAML reads as a number, to the YAML library",
    (scalar) => {
      expect(readSimpleYaml(utf8(`roles:\n  a:\n    DurationSeconds: ${scalar}\n`))).toBeUndefined();
    },
  );

  // Each is YAML the library reads differently from text, reports as an error, or reads in a way
  // this reader does not attempt: all of them are the library's.
  it.each([
    ["a flow mapping", "roles: {a: {RoleArn: x}}"],
    ["JSON", '{"roles": {}}'],
    ["a flow list", "roles:\n  a:\n    TransitiveTagKeys: [a, b]"],
    ["an anchor", "roles:\n  a: &r\n    RoleArn: x"],
    ["an alias", "roles:\n  a:\n    RoleArn: x\n  b: *r"],
    ["a tag", "roles:\n  a:\n    RoleArn: !!str x"],
    ["a block scalar", "roles:\n  a:\n    Policy: |\n      {}"],
    ["a plain scalar over two lines", "roles:\n  a:\n    RoleArn: arn:aws:iam::1:role/\n      x"],
    ["a quoted scalar over two lines", "roles:\n  a:\n    RoleArn: 'arn\n      x'"],
    ["an escape", 'roles:\n  a:\n    RoleArn: "a\\tb"'],
    ["a boolean", "roles:\n  a:\n    RoleArn: true"],
    ["a boolean key", "roles:\n  true:\n    RoleArn: x"],
    ["a number key", "roles:\n  1:\n    RoleArn: x"],
    ["a null value", "roles:\n  a:\n    RoleArn:\n"],
    ["a null written ~", "roles:\n  a:\n    RoleArn: ~"],
    ["a float", "roles:\n  a:\n    DurationSeconds: 1e3"],
    ["a number with a leading zero", "roles:\n  a:\n    DurationSeconds: 0900"],
    ["a duplicate key", "roles:\n  a:\n    RoleArn: x\n  a:\n    RoleArn: y"],
    ["a __proto__ key", "roles:\n  __proto__:\n    RoleArn: x"],
    ["a tab", "roles:\n\ta:\n    RoleArn: x"],
    ["a carriage return", "roles:\r\n  a:\r\n    RoleArn: x\r\n"],
    ["a byte-order mark", "\ufeffroles:\n  a:\n    RoleArn: x"],
    ["non-ASCII text", "roles:\n  a:\n    RoleSessionName: café"],
    ["a document marker", "---\nroles:\n  a:\n    RoleArn: x"],
    ["a directive", "%YAML 1.1\n---\nroles:\n  a:\n    RoleArn: yes"],
    ["uneven indentation", "roles:\n    a:\n      RoleArn: x\n  b:\n    RoleArn: y"],
    ["a top-level list", "- roles"],
    ["an indented document", "  roles:\n    a:\n      RoleArn: x"],
    ["a comment without a space", "roles:\n  a:\n    RoleArn: x#y"],
    ["a nested list on one line", "roles:\n  a:\n    TransitiveTagKeys:\n      - - a"],
    ["a list item with nothing after its dash", "roles:\n  a:\n    TransitiveTagKeys:\n      -\n        a"],
    ["an empty file", ""],
    ["only comments", "# nothing\n"],
  ])("leaves %s to the YAML library", (_name, text) => {
    expect(readSimpleYaml(utf8(text))).toBeUndefined();
  });

  it("leaves a file over the size limit to the YAML library, which reports it", () => {
    const text = `roles:\n  a:\n    RoleArn: x\n#${"x".repeat(MAX_CONFIG_BYTES)}\n`;
    expect(readSimpleYaml(utf8(text))).toBeUndefined();
  });

  it("leaves more than a thousand roles to the YAML library, which refuses them", () => {
    const roles = Array.from({ length: 1001 }, (_, i) => `  r${i}:\n    RoleArn: x`);
    expect(readSimpleYaml(utf8(`roles:\n${roles.join("\n")}\n`))).toBeUndefined();
    expect(parseConfigBytes(utf8(`roles:\n${roles.join("\n")}\n`)).ok).toBe(false);
  });

  it("leaves nesting deeper than its limit to the YAML library", () => {
    const lines = Array.from({ length: 40 }, (_, depth) => `${" ".repeat(depth)}k${depth}:`);
    lines.push(`${" ".repeat(40)}leaf: x`);
    expect(readSimpleYaml(utf8(lines.join("\n")))).toBeUndefined();
    expect(parseConfigBytes(utf8(lines.join("\n"))).ok).toBe(true);
  });

  // The generated documents mix what it reads with what it must leave (KEYS, SCALARS): wherever it
  // answers, the library answers the same.
  it("answers as the YAML library does over 6,000 generated documents", () => {
    let read = 0;
    for (let seed = 1; seed <= 6000; seed++) if (expectAgreement(document(seed)) !== undefined) read++;
    expect(read).toBeGreaterThan(200);
  });

  it("reads every one of 2,000 generated documents of plain keys and scalars, as the library does", () => {
    for (let seed = 1; seed <= 2000; seed++) {
      const text = document(seed, true);
      expect(expectAgreement(text), text).toBeDefined();
    }
  });
});
