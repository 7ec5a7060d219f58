import { describe, expect, it } from "vitest";
import { flowNestingBeyond } from "./nestingDepth.js";

describe("flowNestingBeyond", () => {
  it("accepts the nesting a real config has", () => {
    const config = 'roles:\n  a: { RoleArn: "x", Tags: [{ Key: k, Value: v }], PolicyArns: [[1]] }\n';
    expect(flowNestingBeyond(config, 3)).toBeUndefined();
  });

  it("reports the line where nesting first goes past the limit", () => {
    expect(flowNestingBeyond("roles:\n  a: [[[[[1]]]]]\n", 4)).toEqual({ line: 2 });
  });

  it("ignores brackets inside quotes and comments", () => {
    const text = `a: "[[[[[[" # {{{{{{{\nb: '[[[[''[[[['\nc: "\\"[[[[[["\n`;
    expect(flowNestingBeyond(text, 1)).toBeUndefined();
  });

  it("stops at the limit without walking the rest of a huge input", () => {
    const bomb = `roles: ${"[".repeat(1024 * 1024)}`;
    const started = performance.now();
    expect(flowNestingBeyond(bomb, 64)).toEqual({ line: 1 });
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
