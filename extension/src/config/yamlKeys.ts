import { type Document, isAlias, isScalar, type LineCounter, type Node, visit } from "yaml";
import type { ConfigProblem } from "./types.js";

/** Past this many, the rest of the file's keys are not worth reporting one by one. */
const MAX_REPORTED = 20;

/**
 * Every mapping key must be text: a role name, a parameter, a tag key. YAML reads some unquoted
 * keys as something else (`1`, `0x1`, `1e3`, `true`, `null`, `~`, `.inf`, and under `%YAML 1.1`
 * also `010`, `yes`, `1_000`, `1:30`, dates and `<<` merges), and turning those back into object
 * keys makes `0x1` the role "1", `1.0` the role "1" too, `~` the role "", so two different keys can
 * name one role and one of them is dropped without a word. Such a key is refused where it stands,
 * with its text and the way to keep it as written: quotes.
 */
export function keyProblems(
  document: Document.Parsed,
  lineCounter: LineCounter,
  text: string,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  visit(document, {
    Pair(_key, pair) {
      if (problems.length >= MAX_REPORTED) return visit.BREAK;
      const key = pair.key as Node | null;
      const reason = notText(key);
      if (reason === undefined) return undefined;
      const offset = key?.range?.[0] ?? (pair.value as Node | null)?.range?.[0] ?? 0;
      const { line, col } = lineCounter.linePos(offset);
      const written = key?.range ? text.slice(key.range[0], key.range[1]).trim() : "";
      problems.push({
        path: `line ${line}, column ${col}`,
        message: `${written === "" ? "an empty key" : `the key ${JSON.stringify(written)}`} ${reason}`,
      });
      return undefined;
    },
  });
  return problems;
}

/** Why a key is not a name as written, or undefined when it is text. */
function notText(key: Node | null): string | undefined {
  if (key === null) return "is not a name: write one";
  if (isAlias(key)) return "is an alias: write the name out";
  if (!isScalar(key)) return "is a list or mapping, not a name";
  const value = key.value;
  if (typeof value === "string") return undefined;
  const quote = "; quote it to keep the text as written";
  if (typeof value === "symbol") return "is a YAML merge (<<): write the keys out";
  if (value === null) return `is read by YAML as null${quote}`;
  if (typeof value === "boolean") return `is read by YAML as ${value}${quote}`;
  if (typeof value === "number" || typeof value === "bigint")
    return `is read by YAML as the number ${String(value)}${quote}`;
  if (value instanceof Date) return `is read by YAML as a date${quote}`;
  return `is not read by YAML as text${quote}`;
}
