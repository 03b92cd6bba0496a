import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import * as schema from "../../schema/index.ts";
import type { Database, Db } from "./db.ts";
import { keepPrivate, tightenFolder } from "./private-folder.ts";

/** Opens the embedded PostgreSQL: on disk under `dataDir`, or in memory when `dataDir` is undefined. */
export async function openPglite(dataDir: string | undefined): Promise<Database> {
  if (dataDir) await keepPrivate(dataDir);
  const client = dataDir ? new PGlite(dataDir) : new PGlite();
  await client.waitReady;
  // What the database just created follows the process's umask: make that the owner's only too.
  if (dataDir) await tightenFolder(dataDir);
  const db = drizzle(client, { schema }) as unknown as Db;
  return { db, kind: "pglite", close: () => client.close() };
}
