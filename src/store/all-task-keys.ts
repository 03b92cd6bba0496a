import { sql } from "drizzle-orm";
import type { Db } from "./db.ts";
import { queryRows } from "./rows.ts";

/**
 * Up to `limit` task keys after `after` (from the first when null), deleted tasks included, in key order:
 * a keyset page of every task, read off the primary key.
 */
export async function loadTaskKeysAfter(db: Db, after: string | null, limit: number): Promise<string[]> {
  const rows = await queryRows<{ key: string }>(
    db,
    after === null
      ? sql`select key from tasks order by key limit ${limit}`
      : sql`select key from tasks where key > ${after} order by key limit ${limit}`,
  );
  return rows.map((r) => r.key);
}
