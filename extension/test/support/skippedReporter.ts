import type { Reporter, TestModule, Vitest } from "vitest/node";

/**
 * Lists every skipped test at the end of a run with its reason (the note given to `ctx.skip(reason)`,
 * or the reason in its title), so a machine without moto, Go or qemu says what it did not check.
 * Quiet when a name filter (-t) skips tests on purpose.
 */
export default class SkippedReporter implements Reporter {
  private filtered = false;

  onInit(vitest: Vitest): void {
    this.filtered = vitest.config.testNamePattern !== undefined;
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    if (this.filtered) return;
    const lines: string[] = [];
    for (const module of testModules) {
      for (const test of module.children.allTests("skipped")) {
        const result = test.result();
        const note = result.state === "skipped" && result.note !== undefined ? ` — ${result.note}` : "";
        lines.push(`  ${module.relativeModuleId} > ${test.fullName}${note}`);
      }
    }
    if (lines.length === 0) return;
    process.stdout.write(`\nSkipped (${lines.length}), with the reason:\n${lines.join("\n")}\n`);
  }
}
