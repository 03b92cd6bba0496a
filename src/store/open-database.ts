import { join } from "node:path";
import type { Config } from "../config.ts";
import type { Database } from "./db.ts";
import { openPostgres } from "./open-postgres.ts";
import { keepPrivate } from "./private-folder.ts";

/** The database the configuration names: `DATABASE_URL`, or the embedded one under the data directory. */
export async function openDatabase(config: Pick<Config, "databaseUrl" | "dataDir">): Promise<Database> {
  if (config.databaseUrl) return openPostgres(config.databaseUrl);
  await keepPrivate(config.dataDir);
  // Loaded only here: the embedded database's module and its WebAssembly hold about 40 MB that a process on a
  // PostgreSQL server would carry for nothing (a backfill's peak memory included).
  const { openPglite } = await import("./open-pglite.ts");
  return openPglite(join(config.dataDir, "db"));
}
