import { LineCounter, parseDocument, visit } from "yaml";
import { MAX_CONFIG_BYTES } from "./limits.js";
import { flowNestingBeyond } from "./nestingDepth.js";
import type { ConfigProblem } from "./types.js";

/** Aliases are legitimate (shared Tags, say), but a few dozen cover any real config; more is a bomb. */
const MAX_ALIASES = 200;
const MAX_FLOW_NESTING = 64;
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
  const tooDeep = flowNestingBeyond(text, MAX_FLOW_NESTING);
  if (tooDeep !== undefined) {
    return {
      ok: false,
      problems: [
        { path: `line ${tooDeep.line}`, message: `nests [ and { more than ${MAX_FLOW_NESTING} levels deep` },
      ],
    };
  }
  // Without prettyErrors the library sets no linePos; a line counter gives the position instead.
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true, strict: true, lineCounter });
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
  try {
    return { ok: true, value: document.toJS({ maxAliasCount: MAX_ALIASES }) };
  } catch (error) {
    return fail(`YAML: ${firstLine((error as Error).message)}`);
  }
}

function fail(message: string): ParseResult {
  return { ok: false, problems: [{ path: "", message }] };
}

function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}
