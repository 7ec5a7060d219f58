// The documentation pages the doc tests read: the README (the landing page) and every page under docs/.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface DocPage {
  /** Relative to the repository root, e.g. `docs/configuration.md`. */
  readonly path: string;
  readonly text: string;
}

/** README.md and docs/*.md, in that order (docs/ sorted by name). */
export function docPages(root: string): DocPage[] {
  const docs = readdirSync(join(root, "docs"))
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => `docs/${name}`);
  return ["README.md", ...docs].map((path) => ({ path, text: readFileSync(join(root, path), "utf8") }));
}
