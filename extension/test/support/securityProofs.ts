// SECURITY.md names the tests that prove each claim as `file` › "test name" (› "nested name"…).

export interface ProofReference {
  /** The test file, relative to the repository root. */
  readonly file: string;
  /** The describe/it titles, as written in the source (placeholders such as %s included). */
  readonly titles: readonly string[];
}

/** Every `file` › "title" reference; `integration/` is short for `extension/test/integration/`. */
export function proofReferences(securityMd: string): ProofReference[] {
  const flat = securityMd.replace(/\s*\n\s*/g, " ");
  return [...flat.matchAll(/`([^`\s]+\.test\.ts)`((?:\s*›\s*"[^"]+")+)/g)].map((match) => ({
    file: (match[1] as string).replace(/^integration\//, "extension/test/integration/"),
    titles: [...(match[2] as string).matchAll(/"([^"]+)"/g)].map((title) => title[1] as string),
  }));
}

/**
 * Whether a test source declares the title: literally, or as the row of a table whose title starts
 * with `%s` (SECURITY.md may name the row, e.g. a fixture file, instead of the placeholder).
 */
export function declaresTitle(source: string, title: string): boolean {
  const text = source.replace(/\s+/g, " ");
  return text.includes(`"${title}"`) || text.includes(`"${title.replace(/^\S+\.ya?ml /, "%s ")}"`);
}
