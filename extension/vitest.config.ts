import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL("..", import.meta.url));

export default defineConfig({
  test: {
    root,
    reporters: ["default", "./extension/test/support/skippedReporter.ts"],
    projects: [
      {
        test: {
          name: "unit",
          root,
          // Projects with different worker limits must run in separate groups: unit tests first.
          sequence: { groupOrder: 0 },
          // layer/cdk: the CDK construct, synthesised in memory (no processes).
          include: [
            "extension/src/**/*.test.ts",
            "extension/devkit/**/*.test.ts",
            "extension/test/docs/**/*.test.ts",
            "layer/cdk/**/*.test.ts",
          ],
        },
      },
      {
        test: {
          name: "integration",
          root,
          sequence: { groupOrder: 1 },
          include: [
            "extension/test/integration/**/*.test.ts",
            "extension/test/support/**/*.test.ts",
            "layer/test/**/*.test.ts",
            "layer/release/test/**/*.test.ts",
            "examples/**/*.test.ts",
          ],
          // Each file starts its own moto_server and extension processes; two cores, so keep it modest.
          maxWorkers: 2,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
