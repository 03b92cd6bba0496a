import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "connectors/**/*.test.ts"],
    globalSetup: ["./test/helpers/chromium-setup.ts", "./test/helpers/database-templates-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more workers than that only adds PGlite start-ups that compete for them.
    maxWorkers: 2,
    // Each worker keeps the modules it loaded for the next file: loading the schema, drizzle, PGlite and the
    // SDKs again for every one of 140-odd files cost more CPU than most of the tests. Every file opens and
    // closes what it uses (databases, servers, browsers) in its own hooks, so none sees another's.
    isolate: false,
    reporters: ["default", "./test/helpers/closing-line-reporter.ts"],
  },
});
