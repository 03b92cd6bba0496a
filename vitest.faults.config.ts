import { defineConfig } from "vitest/config";

/**
 * `npm run test:faults`: the fault suite (a PostgreSQL server stopped mid-backfill, a server restarted during
 * a webhook burst, sources failing a fifth of their requests, hostile input). Its files end in `.fault.ts`,
 * which the main configuration does not pick up, so `npm test` never runs them twice.
 */
export default defineConfig({
  test: {
    include: ["test/faults/**/*.fault.ts"],
    globalSetup: ["./test/helpers/database-templates-setup.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
    reporters: ["default", "./test/helpers/closing-line-reporter.ts"],
  },
});
