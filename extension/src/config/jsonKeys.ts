/**
 * Checks JSON.parse cannot make: JSON.parse keeps the last of two equal keys without a word, so
 * `{"Effect": "Deny", "Effect": "Allow"}` would silently become Allow. Iterative (no recursion),
 * for text JSON.parse has already accepted.
 */
export type JsonKeyProblem =
  | { readonly kind: "duplicate"; readonly key: string; readonly path: string }
  | { readonly kind: "too-deep"; readonly path: string };

interface Frame {
  /** Keys seen so far when an object; undefined for an array. */
  readonly keys: Set<string> | undefined;
  readonly path: string;
  index: number;
}

export function jsonKeyProblem(text: string, maxDepth: number): JsonKeyProblem | undefined {
  const stack: Frame[] = [];
  let pendingKey: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = stringEnd(text, i);
      const top = stack.at(-1);
      if (top?.keys !== undefined && nextNonSpace(text, end + 1) === ":") {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (top.keys.has(key)) return { kind: "duplicate", key, path: top.path };
        top.keys.add(key);
        pendingKey = key;
      }
      i = end;
    } else if (c === "{" || c === "[") {
      const parent = stack.at(-1);
      const segment = parent === undefined ? "" : parent.keys ? `.${pendingKey}` : `[${parent.index}]`;
      const path = (parent?.path ?? "") + segment;
      if (stack.length >= maxDepth) return { kind: "too-deep", path };
      stack.push({ keys: c === "{" ? new Set() : undefined, path, index: 0 });
    } else if (c === "}" || c === "]") {
      stack.pop();
    } else if (c === ",") {
      const top = stack.at(-1);
      if (top !== undefined) top.index++;
    }
  }
  return undefined;
}

/** Index of the closing quote of the string opening at `start`. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === '"') return i;
  }
  return text.length;
}

function nextNonSpace(text: string, from: number): string | undefined {
  for (let i = from; i < text.length; i++) {
    const c = text[i] as string;
    if (c !== " " && c !== "\t" && c !== "\n" && c !== "\r") return c;
  }
  return undefined;
}
