import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ENVIRONMENT_VARIABLES } from "../../src/startup/env.js";
import { replaceBetweenMarkers, TABLES } from "../support/readmeTables.js";

const readmePath = fileURLToPath(new URL("../../../README.md", import.meta.url));

describe("README reference tables", () => {
  it.each(Object.entries(TABLES))("the %s table matches its single source", (name, render) => {
    const readme = readFileSync(readmePath, "utf8");
    const expected = replaceBetweenMarkers(readme, name, render());
    if (process.env.UPDATE_README === "1" && expected !== readme) writeFileSync(readmePath, expected);
    else expect(readme).toBe(expected);
  });

  it("documents every environment variable the extension, launcher and wrapper use", () => {
    const sources = [
      "../../../layer/credentials-sidecar/wrapper",
      "../../../layer/extensions/credentials-sidecar",
    ].map((p) => readFileSync(fileURLToPath(new URL(p, import.meta.url)), "utf8"));
    const documented = new Set(ENVIRONMENT_VARIABLES.map((v) => v.name));
    const used = new Set(
      sources.flatMap((text) =>
        [...text.matchAll(/\b(CREDENTIALS_SIDECAR_[A-Z_]+)/g)].map((m) => m[1] as string),
      ),
    );
    expect([...used].filter((name) => !documented.has(name))).toEqual([]);
  });

  it("renders a row per variable and per schema key", () => {
    expect(TABLES.env().split("\n")).toHaveLength(ENVIRONMENT_VARIABLES.length + 2);
    expect(TABLES.config()).toContain("| `RoleArn` | role, required |");
  });
});
