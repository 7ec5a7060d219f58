import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL("..", import.meta.url));

export default defineConfig({
  test: {
    root,
    projects: [
      {
        test: {
          name: "unit",
          root,
          include: ["extension/src/**/*.test.ts"],
        },
      },
      {
        test: {
          name: "integration",
          root,
          include: ["extension/test/**/*.test.ts", "layer/test/**/*.test.ts", "examples/**/*.test.ts"],
          // Each file starts its own moto_server and extension processes; two cores, so keep it modest.
          maxWorkers: 2,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
