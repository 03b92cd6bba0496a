import { randomBytes } from "node:crypto";
import postgres from "postgres";
import type { Database } from "../src/store/db.ts";
import { migrateDatabase } from "../src/store/migrate.ts";
import { openPglite } from "../src/store/open-pglite.ts";
import { openPostgres } from "../src/store/open-postgres.ts";

/**
 * A fresh, migrated database for one bench run: PGlite in memory without `serverUrl`, else a database of its
 * own on that PostgreSQL server, dropped on close; `bench` names it (letters, digits and `_`), so that a
 * database left by a killed run says which bench left it.
 */
export async function freshDatabase(serverUrl: string | undefined, bench?: string): Promise<Database> {
  if (!serverUrl) {
    const database = await openPglite(undefined);
    await migrateDatabase(database);
    return database;
  }
  if (bench !== undefined && !/^[a-z0-9_]+$/.test(bench))
    throw new Error(`bench name ${bench}: use a-z, 0-9, _`);
  const name = `threadline_bench_${bench ? `${bench}_` : ""}${randomBytes(6).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = openPostgres(url.toString());
  await migrateDatabase(database);
  return {
    ...database,
    close: async () => {
      await database.close();
      const dropper = postgres(serverUrl, { max: 1, onnotice: () => {} });
      await dropper.unsafe(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}
