import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "connectors/**/*.test.ts"],
    globalSetup: ["./test/helpers/chromium-setup.ts", "./test/helpers/database-templates-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more workers than that only adds PGlite start-ups that compete for them.
    maxWorkers: 2,
    reporters: ["default", "./test/helpers/closing-line-reporter.ts"],
  },
});
