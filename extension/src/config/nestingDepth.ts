/**
 * The deepest `[`/`{` nesting in YAML text, outside quotes and comments, stopping early past `limit`.
 * The YAML parser recurses and keeps state per level, so a file of 1 MiB of `[` would cost seconds
 * and a gigabyte; a real config nests a handful of levels. Cheap to scan before parsing.
 */
export function flowNestingBeyond(text: string, limit: number): { line: number } | undefined {
  let depth = 0;
  let line = 1;
  let quote: "'" | '"' | undefined;
  let comment = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") {
      line++;
      comment = false;
      continue;
    }
    if (comment) continue;
    if (quote === '"') {
      if (c === "\\") i++;
      else if (c === '"') quote = undefined;
      continue;
    }
    if (quote === "'") {
      if (c === "'" && text[i + 1] === "'") i++;
      else if (c === "'") quote = undefined;
      continue;
    }
    if (c === "#" && (i === 0 || /\s/.test(text[i - 1] ?? ""))) comment = true;
    else if (c === '"' || c === "'") quote = c;
    else if (c === "[" || c === "{") {
      depth++;
      if (depth > limit) return { line };
    } else if ((c === "]" || c === "}") && depth > 0) depth--;
  }
  return undefined;
}
