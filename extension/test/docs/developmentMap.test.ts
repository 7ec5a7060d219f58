import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { developmentMapBlock, foldersToMap, mapPaths } from "../support/developmentMap.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const map = developmentMapBlock(readFileSync(`${root}docs/development.md`, "utf8"));

describe("the development map (docs/development.md)", () => {
  it("names only paths that exist", () => {
    expect(mapPaths(map).filter((path) => !existsSync(root + path))).toEqual([]);
  });

  it("names every folder of the tree (three levels, examples and test data aside)", () => {
    const tracked = execFileSync("git", ["ls-files"], { cwd: root, encoding: "utf8" }).trim().split("\n");
    const named = new Set(mapPaths(map));
    expect(foldersToMap(tracked).filter((folder) => !named.has(folder))).toEqual([]);
  });

  it("nests paths under the folder above them, so a missing folder is noticed", () => {
    const paths = mapPaths("a/  top\n  b.ts, c/  two names\n    d.ts  deeper\ne/  next");
    expect(paths).toEqual(["a/", "a/b.ts", "a/c/", "a/c/d.ts", "e/"]);
    expect(foldersToMap(["a/c/d.ts", "a/x/y.ts", "examples/go/deep/f.go"])).toEqual([
      "a/",
      "a/c/",
      "a/x/",
      "examples/",
    ]);
  });
});
