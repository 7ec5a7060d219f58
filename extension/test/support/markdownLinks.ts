// Relative links and headings' anchors in Markdown, as GitHub renders them.
import { dirname, join, normalize } from "node:path";

/** The page's prose: fenced code blocks and inline code spans blanked out, line count kept. */
export function prose(markdown: string): string {
  let fenced = false;
  return markdown
    .split("\n")
    .map((line) => {
      if (/^\s*```/.test(line)) {
        fenced = !fenced;
        return "";
      }
      return fenced ? "" : line.replace(/`[^`]*`/g, "``");
    })
    .join("\n");
}

/** The anchors GitHub gives the page's headings (github-slugger: `-1`, `-2` for repeats). */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split("\n")) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6} (.+?)\s*#*$/.exec(line);
    if (!heading) continue;
    const slug = slugOf(heading[1] as string);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** GitHub's heading slug: lower case, punctuation dropped (not `-` or `_`), each space a hyphen. */
export function slugOf(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\s_-]/gu, "")
    .replace(/ /g, "-");
}

export interface RelativeLink {
  readonly line: number;
  readonly target: string;
  /** The file it points at, relative to the repository root. */
  readonly file: string;
  readonly anchor: string | undefined;
}

/** Every link of the page's prose that is not a URL with a scheme: `[text](target)` and `[text]: target`. */
export function relativeLinks(pagePath: string, markdown: string): RelativeLink[] {
  const links: RelativeLink[] = [];
  prose(markdown)
    .split("\n")
    .forEach((text, index) => {
      const targets = [
        ...[...text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1] as string),
        ...[...text.matchAll(/^\s*\[[^\]]+\]:\s+(\S+)/g)].map((m) => m[1] as string),
      ];
      for (const target of targets) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
        const [path, anchor] = target.split("#", 2) as [string, string | undefined];
        const file = path === "" ? pagePath : normalize(join(dirname(pagePath), decodeURI(path)));
        links.push({ line: index + 1, target, file, anchor });
      }
    });
  return links;
}
