import type { CST } from "yaml";
import { Composer, type Document, Lexer, LineCounter, Parser, visit, YAMLParseError } from "yaml";
import { MAX_CONFIG_BYTES } from "./limits.js";
import type { ConfigProblem } from "./types.js";
import { keyProblems } from "./yamlKeys.js";

/** Aliases are legitimate (shared Tags, say), but a few dozen cover any real config; more is a bomb. */
const MAX_ALIASES = 200;
/**
 * Structure limits, checked on the parser's own token stream as it goes, so no input up to the size
 * limit costs more than they allow (memory grows with nodes and, in the parser and composer, with
 * depth). A real config nests 5-7 levels (roles, role, Policy, Statement, item, Condition, operator)
 * and has a few thousand tokens; 100 roles with tags and policies stay far below both.
 */
export const MAX_NESTING = 64;
export const MAX_TOKENS = 100_000;
/**
 * Entries of one collection, as the CST counts them (a block pair, or a flow collection's tokens:
 * about four per entry). The largest real collection is roles (100); duplicate-key checks are
 * quadratic in a mapping's size, so this also bounds composing time.
 */
export const MAX_COLLECTION_ITEMS = 1000;
/** A broken file can yield hundreds of syntax errors; the first ones are the useful ones. */
const MAX_REPORTED_ERRORS = 20;

export type ParseResult = { ok: true; value: unknown } | { ok: false; problems: ConfigProblem[] };

/** Parses config bytes as UTF-8 YAML (JSON is YAML too); syntax errors name line and column. */
export function parseConfigBytes(bytes: Uint8Array): ParseResult {
  if (bytes.byteLength > MAX_CONFIG_BYTES) {
    return fail(`is ${bytes.byteLength} bytes; a config may be at most ${MAX_CONFIG_BYTES} bytes`);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return fail("is not valid UTF-8");
  }
  if (text.trim() === "") return fail("is empty; it needs a roles: mapping");
  const lineCounter = new LineCounter();
  let document: Document.Parsed;
  try {
    document = composeBounded(text, lineCounter);
  } catch (error) {
    if (!(error instanceof TooComplex)) throw error;
    const line = lineCounter.linePos(error.offset).line;
    return { ok: false, problems: [{ path: `line ${line}`, message: error.message }] };
  }
  const allErrors = [...document.errors, ...document.warnings];
  const errors = allErrors.slice(0, MAX_REPORTED_ERRORS);
  if (errors.length > 0) {
    const more = allErrors.length - errors.length;
    return {
      ok: false,
      problems: [
        ...errors.map((error) => {
          const position = error.linePos?.[0] ?? lineCounter.linePos(error.pos[0]);
          const where = position ? `line ${position.line}, column ${position.col}` : "";
          return {
            path: where,
            message: `YAML ${error.name === "YAMLWarning" ? "warning" : "syntax error"}: ${firstLine(error.message)}`,
          };
        }),
        ...(more > 0 ? [{ path: "", message: `and ${more} more YAML errors` }] : []),
      ],
    };
  }
  let aliases = 0;
  visit(document, {
    Alias() {
      aliases++;
    },
  });
  if (aliases > MAX_ALIASES) return fail(`uses ${aliases} YAML aliases; at most ${MAX_ALIASES} are allowed`);
  const keys = keyProblems(document, lineCounter, text);
  if (keys.length > 0) return { ok: false, problems: keys };
  try {
    return { ok: true, value: document.toJS({ maxAliasCount: MAX_ALIASES }) };
  } catch (error) {
    return fail(`YAML: ${firstLine((error as Error).message)}`);
  }
}

class TooComplex extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/**
 * What yaml's parseDocument does (lexer → CST parser → composer), with the CST stream checked token
 * by token: the parser's stack is the nesting depth whatever the syntax (flow [ {, block - and
 * indented keys, explicit ? keys), and parsing stops at the first token past a limit.
 */
function composeBounded(text: string, lineCounter: LineCounter): Document.Parsed {
  const parser = new Parser(lineCounter.addNewLine);
  lineCounter.addNewLine(0);
  function* tokens(): Generator<CST.Token> {
    let count = 0;
    let errors = 0;
    let first: { offset: number; message: string } | undefined;
    for (const lexeme of new Lexer().lex(text)) {
      for (const token of parser.next(lexeme)) {
        // Outside a document every token but these is an error to the composer (its default case):
        // past the document's end, a 1 MiB file can be 100,000 of them.
        if (!DOCUMENT_LEVEL.has(token.type)) {
          first ??= {
            offset: token.offset,
            message: token.type === "error" ? token.message : `unexpected ${token.type}`,
          };
          if (++errors > MAX_REPORTED_ERRORS) {
            throw new TooComplex(
              `YAML syntax error: ${firstLine(first.message)} (and more than ${MAX_REPORTED_ERRORS} others)`,
              first.offset,
            );
          }
        }
        yield token;
      }
      // The stack holds the document, then one entry per open collection.
      if (parser.stack.length - 1 > MAX_NESTING) {
        throw new TooComplex(`nests more than ${MAX_NESTING} levels deep`, parser.offset);
      }
      const top = parser.stack.at(-1);
      if (top !== undefined && "items" in top && top.items.length > MAX_COLLECTION_ITEMS) {
        throw new TooComplex(
          `has a list or mapping too long for a config (more than ${MAX_COLLECTION_ITEMS} items)`,
          parser.offset,
        );
      }
      if (++count > MAX_TOKENS) {
        throw new TooComplex(
          `has more than ${MAX_TOKENS} YAML tokens; a config is far smaller`,
          parser.offset,
        );
      }
    }
    yield* parser.end();
  }
  const composer = new Composer({ uniqueKeys: true, strict: true });
  let document: Document.Parsed | undefined;
  // Every YAML error is an Error; capturing a stack for each costs ~1 KB and says nothing about the
  // file, and a broken file has one per token.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    for (const next of composer.compose(tokens(), true, text.length)) {
      if (document === undefined) {
        document = next;
        continue;
      }
      document.errors.push(
        new YAMLParseError(
          next.range.slice(0, 2) as [number, number],
          "MULTIPLE_DOCS",
          "Source contains multiple documents",
        ),
      );
      break;
    }
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  // compose(…, forceDoc = true) always yields a document, for empty input too.
  return document as Document.Parsed;
}

/** Top-level CST tokens the composer takes without an error. */
const DOCUMENT_LEVEL = new Set([
  "document",
  "doc-end",
  "directive",
  "byte-order-mark",
  "space",
  "comment",
  "newline",
]);

function fail(message: string): ParseResult {
  return { ok: false, problems: [{ path: "", message }] };
}

function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}
