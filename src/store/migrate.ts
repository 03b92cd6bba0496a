import { fileURLToPath } from "node:url";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import type { Database } from "./db.ts";

/** The migrations drizzle-kit generated from schema/, committed with the code. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../../schema/migrations", import.meta.url));

// Any fixed number: it names the lock that two `threadline migrate` runs on one server queue behind.
const MIGRATE_LOCK = 7_214_032_511;

/**
 * Applies every migration not yet applied. Safe to run twice, and from two processes at once on a
 * server: the second waits for the first and then finds nothing to do.
 */
export async function migrateDatabase(
  database: Database,
  /** Another folder of migrations: tests apply the schema as it was before a migration. */
  migrationsFolder = MIGRATIONS_FOLDER,
): Promise<void> {
  const config = { migrationsFolder };
  if (database.kind === "pglite") {
    await migratePglite(database.db as unknown as PgliteDatabase, config);
    return;
  }
  if (!database.url) throw new Error("[threadline] [migrate] a PostgreSQL database needs its URL to migrate");
  // One connection, so the session lock and the migration share it.
  const client = postgres(database.url, { max: 1, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(${MIGRATE_LOCK})`;
    await migratePostgres(drizzle(client), config);
  } finally {
    await client`select pg_advisory_unlock(${MIGRATE_LOCK})`.catch(() => {});
    await client.end({ timeout: 5 });
  }
}
