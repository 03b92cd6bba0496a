import type { SQL } from "drizzle-orm";
import type { Db } from "./db.ts";

/**
 * Runs raw SQL and returns its rows on either driver: postgres.js answers an array, PGlite `{ rows }`.
 * Column types are as the driver reads them; callers parse what they read.
 */
export async function queryRows<T = Record<string, unknown>>(db: Db, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
