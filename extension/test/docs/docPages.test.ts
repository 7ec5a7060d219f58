import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { docPages } from "../support/docPages.js";
import { headingAnchors, prose, relativeLinks, slugOf } from "../support/markdownLinks.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const pages = docPages(root);
/** The pages whose links must resolve: the docs, and the top-level files GitHub shows beside them. */
const linkedPages = [
  ...pages,
  ...["SECURITY.md", "CHANGELOG.md", "examples/README.md"].map((path) => ({
    path,
    text: readFileSync(join(root, path), "utf8"),
  })),
];

/** Paths into the repository named in backticks: `layer/test/e2e.test.ts`, `examples/go/`. */
function repositoryPaths(markdown: string): string[] {
  const spans = [...markdown.matchAll(/`([^`\s]+)`/g)].map((m) => m[1] as string);
  return spans.filter(
    (span) =>
      /^(extension|layer|bench|examples|docs|\.github|\.ci)\/[\w./-]*$/.test(span) &&
      !span.includes("..") &&
      !/\/(node_modules|dist)\//.test(span),
  );
}

describe("the docs pages (README.md and docs/*.md)", () => {
  it("are the README and at least the pages the README's index links", () => {
    expect(pages.map((p) => p.path)).toContain("docs/README.md");
    expect(pages.length).toBeGreaterThan(10);
  });

  it("keep the README a page a newcomer reads in one sitting (about 300 lines)", () => {
    const readme = pages.find((p) => p.path === "README.md");
    expect(readme?.text.split("\n").length).toBeLessThanOrEqual(320);
  });

  it("link only to files that exist, and to headings those pages have", () => {
    const broken = linkedPages.flatMap((page) =>
      relativeLinks(page.path, page.text).flatMap((link) => {
        const where = `${page.path}:${link.line} → ${link.target}`;
        const path = join(root, link.file);
        if (!existsSync(path)) return [`${where} (no such file)`];
        if (link.anchor === undefined) return [];
        if (!statSync(path).isFile() || !link.file.endsWith(".md"))
          return [`${where} (anchor into a non-page)`];
        return headingAnchors(readFileSync(path, "utf8")).has(link.anchor)
          ? []
          : [`${where} (no such heading)`];
      }),
    );
    expect(broken).toEqual([]);
  });

  it("link every page under docs/ from docs/README.md", () => {
    const index = pages.find((p) => p.path === "docs/README.md");
    const linked = new Set(relativeLinks("docs/README.md", index?.text ?? "").map((l) => l.file));
    expect(
      pages.filter((p) => p.path.startsWith("docs/") && p.path !== "docs/README.md" && !linked.has(p.path)),
    ).toEqual([]);
  });

  it("name only repository paths that exist", () => {
    const missing = pages.flatMap((page) =>
      repositoryPaths(page.text)
        .filter((path) => !existsSync(join(root, path)))
        .map((path) => `${page.path}: ${path}`),
    );
    expect(missing).toEqual([]);
  });
});

describe("the link and path readers", () => {
  it("slug headings as GitHub does, repeats numbered", () => {
    expect(slugOf("Try it without an AWS account: `credentials-sidecar demo`")).toBe(
      "try-it-without-an-aws-account-credentials-sidecar-demo",
    );
    expect(slugOf("A second role, or the execution role")).toBe("a-second-role-or-the-execution-role");
    expect(slugOf("`provided.al2023` (Go, Rust, custom runtimes)")).toBe(
      "providedal2023-go-rust-custom-runtimes",
    );
    expect([...headingAnchors("# Logs\n## Logs\n```\n# not a heading\n```\n## Logs")]).toEqual([
      "logs",
      "logs-1",
      "logs-2",
    ]);
  });

  it("find relative links in prose only, and resolve them from the page's folder", () => {
    const page =
      "see [a](cli.md#local), [b](#top), [c](https://example.com), `[d](no.md)`\n```\n[e](no.md)\n```\n[f]: ../SECURITY.md";
    expect(relativeLinks("docs/x.md", page).map((l) => [l.line, l.file, l.anchor])).toEqual([
      [1, "docs/cli.md", "local"],
      [1, "docs/x.md", "top"],
      [5, "SECURITY.md", undefined],
    ]);
    expect(prose("a `b` c\n```\nd\n```").split("\n")).toEqual(["a `` c", "", "", ""]);
  });

  it("take repository paths from backticks, not URLs, placeholders or built files", () => {
    expect(
      repositoryPaths(
        "`layer/test/e2e.test.ts` `examples/go/` `dist/layer-x86_64.zip` `layer/<x>` `README.md`",
      ),
    ).toEqual(["layer/test/e2e.test.ts", "examples/go/"]);
  });
});
