import { sql } from "drizzle-orm";
import type { JsonValue } from "../../connectors/types.ts";
import type { Db } from "./db.ts";
import { queryRows } from "./rows.ts";

/** A stored task or item as its source sent it, for mapping it again. */
export interface StoredRawRecord {
  source: string;
  scope_id: number | null;
  external_id: string;
  raw: JsonValue | null;
  /** The row's key (a task) or id (an item): where the next page starts. */
  cursor: string;
}

/** How many tasks and items are stored, deleted ones included. */
export async function loadStoredCounts(db: Db): Promise<{ tasks: number; items: number }> {
  const rows = await queryRows<{ tasks: number; items: number }>(
    db,
    sql`select (select count(*) from tasks)::int as tasks, (select count(*) from items)::int as items`,
  );
  return { tasks: Number(rows[0]?.tasks ?? 0), items: Number(rows[0]?.items ?? 0) };
}

/**
 * Up to `limit` stored tasks or items after the one whose key or id is `after` (`""`: from the first), in
 * key order, with their raw payloads: a keyset page read off the primary key.
 */
export async function loadRawRecordPage(
  db: Db,
  table: "tasks" | "items",
  after: string,
  limit: number,
): Promise<StoredRawRecord[]> {
  return table === "tasks"
    ? queryRows<StoredRawRecord>(
        db,
        sql`select source, scope_id, external_id, raw, key as cursor from tasks
            where key > ${after} order by key limit ${limit}`,
      )
    : queryRows<StoredRawRecord>(
        db,
        sql`select source, scope_id, external_id, raw, id as cursor from items
            where id > ${after} order by id limit ${limit}`,
      );
}
