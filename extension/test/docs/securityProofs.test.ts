import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { docPages } from "../support/docPages.js";
import { declaresTitle, proofReferences } from "../support/securityProofs.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const security = proofReferences(readFileSync(`${root}SECURITY.md`, "utf8"));
/** SECURITY.md's proofs, and any a docs page names the same way. */
const references = [...security, ...docPages(root).flatMap((page) => proofReferences(page.text))];

describe("SECURITY.md's proofs (and the docs pages')", () => {
  it("names tests", () => {
    expect(security.length).toBeGreaterThan(50);
  });

  it("names only test files that exist, and titles those files declare", () => {
    const missing = references.flatMap(({ file, titles }) => {
      if (!existsSync(root + file)) return [`${file} (no such file)`];
      const source = readFileSync(root + file, "utf8");
      return titles.filter((title) => !declaresTitle(source, title)).map((title) => `${file} › "${title}"`);
    });
    expect(missing).toEqual([]);
  });

  it("reads wrapped titles and nested ones, and tells a missing title", () => {
    const [reference] = proofReferences('- `integration/a.test.ts` › "outer" › "refuses a\n    token"');
    expect(reference).toEqual({
      file: "extension/test/integration/a.test.ts",
      titles: ["outer", "refuses a token"],
    });
    expect(declaresTitle('it("refuses a token", () => {})', "refuses a token")).toBe(true);
    expect(declaresTitle('it("refuses a token", () => {})', "refuses a  key")).toBe(false);
    expect(declaresTitle('it.each(f)("%s is refused", …)', "empty.yaml is refused")).toBe(true);
  });
});
