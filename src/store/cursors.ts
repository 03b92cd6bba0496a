import { sql } from "drizzle-orm";
import type { JsonValue } from "../../connectors/types.ts";
import type { Db } from "./db.ts";
import { pageRows } from "./page-rows.ts";

/** The committed cursor of each stream of a scope. */
export async function loadCursors(db: Db, scopeId: number): Promise<Record<string, JsonValue>> {
  const rows = await pageRows<{ stream: string; cursor: JsonValue }>(
    db,
    sql`select stream, cursor from sync_cursors where scope_id = ${scopeId} order by stream`,
  );
  return Object.fromEntries(rows.map((r) => [r.stream, r.cursor]));
}

/**
 * Moves a stream's cursor. Called inside the transaction that saves the page it follows, never on its own:
 * a crash then either keeps both or neither.
 */
export async function saveCursor(
  db: Db,
  scopeId: number,
  stream: string,
  cursor: JsonValue,
  now: Date,
): Promise<void> {
  await pageRows(
    db,
    sql`
    insert into sync_cursors (scope_id, stream, cursor, updated_at)
    values (${scopeId}, ${stream}, ${JSON.stringify(cursor)}::jsonb, ${now.toISOString()}::timestamptz)
    on conflict (scope_id, stream) do update set cursor = excluded.cursor, updated_at = excluded.updated_at
    where sync_cursors.cursor is distinct from excluded.cursor`,
  );
}
