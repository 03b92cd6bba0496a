import type { Command } from "commander";
import { migrateDatabase } from "../../store/migrate.ts";
import { openDatabase } from "../../store/open-database.ts";
import { loadConfig } from "../env.ts";

export function registerMigrate(program: Command): void {
  program
    .command("migrate")
    .description("apply the schema migrations (safe to run twice, and from two machines at once)")
    .action(async () => {
      const config = loadConfig();
      const database = await openDatabase(config);
      try {
        await migrateDatabase(database);
        process.stdout.write(
          `Migrations applied (${database.kind === "pglite" ? "embedded database" : "PostgreSQL"}).\n`,
        );
      } finally {
        await database.close();
      }
    });
}
