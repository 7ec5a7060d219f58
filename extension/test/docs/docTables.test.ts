import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ENVIRONMENT_VARIABLES } from "../../src/startup/env.js";
import { docPages } from "../support/docPages.js";
import { holdsTable, replaceBetweenMarkers, TABLES } from "../support/docTables.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const updating = process.env.UPDATE_DOCS === "1" || process.env.UPDATE_README === "1";

describe("the docs' reference tables", () => {
  it.each(Object.keys(TABLES))("the %s table is on exactly one page", (name) => {
    expect(
      docPages(root)
        .filter((page) => holdsTable(page.text, name))
        .map((page) => page.path),
    ).toHaveLength(1);
  });

  it.each(Object.entries(TABLES))("the %s table matches its single source", (name, render) => {
    const page = docPages(root).find((p) => holdsTable(p.text, name));
    if (page === undefined) throw new Error(`no page holds the ${name} table`);
    const expected = replaceBetweenMarkers(page.text, name, render());
    if (updating && expected !== page.text) writeFileSync(join(root, page.path), expected);
    else expect([page.path, page.text]).toEqual([page.path, expected]);
  });

  it("documents every environment variable the extension, launcher and wrapper use", () => {
    const sources = ["layer/credentials-sidecar/wrapper", "layer/extensions/credentials-sidecar"].map((p) =>
      readFileSync(join(root, p), "utf8"),
    );
    const documented = new Set(ENVIRONMENT_VARIABLES.map((v) => v.name));
    const used = new Set(
      sources.flatMap((text) =>
        [...text.matchAll(/\b(CREDENTIALS_SIDECAR_[A-Z_]+)/g)].map((m) => m[1] as string),
      ),
    );
    expect([...used].filter((name) => !documented.has(name))).toEqual([]);
  });

  it("renders a row per variable and per schema key, and finds a missing marker", () => {
    expect(TABLES.env().split("\n")).toHaveLength(ENVIRONMENT_VARIABLES.length + 2);
    expect(TABLES.config()).toContain("| `RoleArn` | role, required |");
    expect(holdsTable("a\n<!-- env:start -->\nold\n<!-- env:end -->\n", "env")).toBe(true);
    expect(holdsTable("a\n<!-- env:end -->\n", "env")).toBe(false);
    expect(replaceBetweenMarkers("<!-- env:start -->\nold\n<!-- env:end -->", "env", "new")).toBe(
      "<!-- env:start -->\nnew\n<!-- env:end -->",
    );
  });
});
