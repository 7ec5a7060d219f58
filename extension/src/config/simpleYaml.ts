/**
 * A reader for the plain block YAML that configs are written in: mappings and lists by indentation,
 * one-line scalars (plain, or quoted with nothing to unescape), comments. It saves a cold start
 * loading and first running the YAML library (its own bundle and code cache: about 5 ms).
 *
 * It reads only what it is certain of. Anything else returns undefined and the YAML library reads
 * the file (parseYaml.ts, the authority, with the error messages): flow collections, anchors,
 * aliases, tags, block scalars, scalars over several lines, escapes, directives and document markers,
 * tabs and non-ASCII text, a key YAML would not read as text, a plain scalar YAML reads as a null,
 * a boolean or a number (but a small decimal integer, which it reads too), an empty value, and the
 * structure limits parseYaml.ts enforces. A plain `2012-10-17` (a policy's Version) is text to YAML
 * 1.2, and to this reader.
 * Where it returns a value, it is the value the YAML library returns (simpleYaml.test.ts compares
 * the two over the examples and generated documents).
 */
import { MAX_CONFIG_BYTES } from "./limits.js";
import { isYamlWord, LINE_END } from "./yamlForms.js";

/** Below parseYaml.ts's limits (64 levels, 1,000 items, 100,000 tokens): past them, it decides. */
const MAX_DEPTH = 32;
const MAX_ITEMS = 1000;
const MAX_LINES = 10_000;
/** YAML allows implicit keys of at most 1024 characters. */
const MAX_KEY_LENGTH = 1000;

/**
 * A key YAML reads as this text: plain (a letter, `_` or `$` first, then name characters, `aws:SourceIp`
 * too), or quoted with nothing to unescape (`"aws:PrincipalTag/team"`).
 */
const KEY = /^(?:([A-Za-z_$][\w$./-]*(?::[\w$./-]+)*)|'([^']*)'|"([^"\\]*)"):(?= |$)/;
/** A plain scalar with nothing YAML treats specially (indicators, `#`, quotes, flow brackets). */
const PLAIN = /^[A-Za-z0-9/_$][\w ./:@+=,*${}()~?!&%^-]*$/;
/** Decimal integers YAML's core schema reads as the same number (no leading zero, exact in a double). */
const INTEGER = /^(?:0|[1-9][0-9]{0,14})$/;
/**
 * What YAML's core schema reads as a number, for a scalar with a digit first (yaml's schema/core
 * int.js and float.js): octal, decimal, hex, floats with and without an exponent. The library's.
 */
const CORE_NUMBER = /^(?:0o[0-7]+|[0-9]+|0x[0-9a-fA-F]+|[0-9]+(?:\.[0-9]*)?[eE][-+]?[0-9]+|[0-9]+\.[0-9]*)$/;
/** What may follow a value or a key on its line: spaces, then a comment. */
const TRAIL = new RegExp(`^${LINE_END}$`);
const SINGLE_QUOTED = /^'([^']*)'(.*)$/;
const DOUBLE_QUOTED = /^"([^"\\]*)"(.*)$/;

interface Line {
  /** Column of the content: indentation, or for a list item's content, its column after `- `. */
  readonly indent: number;
  readonly text: string;
  /** Whether this is the content after a list item's `- `, on the item's line. */
  readonly afterDash: boolean;
}

class NotSimple extends Error {}

const notSimple = (): never => {
  throw new NotSimple();
};

/** The top-level mapping of a config file, or undefined where the YAML library must read it. */
export function readSimpleYaml(bytes: Uint8Array): Record<string, unknown> | undefined {
  if (bytes.byteLength > MAX_CONFIG_BYTES) return undefined;
  // Printable ASCII and newlines only (no tab, carriage return, byte-order mark or other encoding).
  for (const byte of bytes) if ((byte < 0x20 && byte !== 0x0a) || byte > 0x7e) return undefined;
  const lines = contentLines(new TextDecoder().decode(bytes));
  if (lines === undefined || lines.length === 0 || lines[0]?.indent !== 0) return undefined;
  try {
    const reader = new BlockReader(lines);
    const top = reader.block(0, 0);
    return reader.done() && isMapping(top) ? top : undefined;
  } catch (error) {
    if (error instanceof NotSimple) return undefined;
    throw error;
  }
}

/** The lines that hold content, a list item's `- ` and what follows it on its line split in two. */
function contentLines(text: string): Line[] | undefined {
  const lines: Line[] = [];
  // Line by line, not split: a 1 MiB file of empty lines would make a million strings at once.
  for (let start = 0; start <= text.length; ) {
    const newline = text.indexOf("\n", start);
    const end = newline < 0 ? text.length : newline;
    const line = text.slice(start, end);
    start = end + 1;
    const trimmed = line.trimStart();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const indent = line.length - trimmed.length;
    // Directives and document markers: the library's.
    if (indent === 0 && /^(?:---|\.\.\.|%)/.test(trimmed)) return undefined;
    if (lines.length >= MAX_LINES) return undefined;
    if (trimmed.startsWith("- ")) {
      const content = trimmed.slice(1).trimStart();
      lines.push({ indent, text: "-", afterDash: false });
      lines.push({ indent: line.length - content.length, text: content, afterDash: true });
    } else {
      lines.push({ indent, text: trimmed, afterDash: false });
    }
  }
  return lines;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

class BlockReader {
  private next = 0;

  constructor(private readonly lines: readonly Line[]) {}

  /** Every line read by some block. */
  done(): boolean {
    return this.next === this.lines.length;
  }

  /** The mapping or list whose first line is the next one, at `indent`. */
  block(indent: number, depth: number): Record<string, unknown> | unknown[] {
    if (depth > MAX_DEPTH) return notSimple();
    const first = this.lines[this.next];
    if (first === undefined || first.indent !== indent) return notSimple();
    // A block ends at a line of another indentation. One deeper than its own lines (a scalar's second
    // line, say) is then read by no block: done() is false and the file is the library's.
    return first.text === "-" ? this.list(indent, depth) : this.mapping(indent, depth);
  }

  private mapping(indent: number, depth: number): Record<string, unknown> {
    const mapping: Record<string, unknown> = {};
    let items = 0;
    for (let line = this.lines[this.next]; line?.indent === indent; line = this.lines[this.next]) {
      const key = KEY.exec(line.text);
      if (key === null) return notSimple();
      // Quoted, any text is a name; plain, not a word YAML reads as something else.
      const name = key[1] ?? key[2] ?? key[3] ?? "";
      if (key[1] !== undefined && isYamlWord(name)) return notSimple();
      if (!isKey(name) || Object.hasOwn(mapping, name) || ++items > MAX_ITEMS) return notSimple();
      const rest = line.text.slice(key[0].length);
      this.next++;
      if (TRAIL.test(rest)) {
        // A nested block: deeper, or a list at the key's own indentation (YAML allows both).
        const below = this.lines[this.next];
        if (below === undefined) return notSimple();
        if (below.indent > indent || (below.indent === indent && below.text === "-"))
          mapping[name] = this.block(below.indent, depth + 1);
        else return notSimple(); // an empty value: null, which the library reports better
      } else {
        mapping[name] = scalar(rest);
      }
    }
    return mapping;
  }

  private list(indent: number, depth: number): unknown[] {
    const list: unknown[] = [];
    // It ends at a line of its indentation that is no item: a key of the mapping it sits in.
    for (let line = this.lines[this.next]; isItemAt(line, indent); line = this.lines[this.next]) {
      if (list.length >= MAX_ITEMS) return notSimple();
      this.next++;
      // The item's content is on its line (contentLines split it off): a mapping's first key, or a scalar.
      const content = this.lines[this.next];
      if (content === undefined || !content.afterDash || content.text.startsWith("-")) return notSimple();
      if (KEY.test(content.text)) {
        list.push(this.block(content.indent, depth + 1));
      } else {
        this.next++;
        list.push(scalar(` ${content.text}`));
      }
    }
    return list;
  }
}

function isItemAt(line: Line | undefined, indent: number): boolean {
  return line !== undefined && line.indent === indent && line.text === "-" && !line.afterDash;
}

/** One the reader returns as an own property, short enough for YAML's implicit keys. */
function isKey(name: string): boolean {
  return name.length <= MAX_KEY_LENGTH && name !== "__proto__";
}

/** A one-line value, `rest` as it follows `key:` (a space first). */
function scalar(rest: string): string | number {
  const value = rest.trimStart();
  const quoted = SINGLE_QUOTED.exec(value) ?? DOUBLE_QUOTED.exec(value);
  if (quoted !== null) return TRAIL.test(quoted[2] ?? "") ? (quoted[1] ?? "") : notSimple();
  const comment = value.indexOf(" #");
  const plain = (comment < 0 ? value : value.slice(0, comment)).trimEnd();
  if (!PLAIN.test(plain) || plain.includes(": ") || plain.endsWith(":")) return notSimple();
  if (INTEGER.test(plain)) return Number(plain);
  if (CORE_NUMBER.test(plain)) return notSimple();
  // Words some YAML version reads as null or a boolean: left to the library.
  return isYamlWord(plain) ? notSimple() : plain;
}
