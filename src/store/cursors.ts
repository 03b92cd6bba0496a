import { type SQL, sql } from "drizzle-orm";
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
  await pageRows(db, cursorUpsert({ scopeId, stream, value: cursor }, now));
}

/** A stream's cursor as a page moves it. */
export interface CursorMove {
  scopeId: number;
  stream: string;
  value: JsonValue;
}

/**
 * The upsert of `saveCursor`, for a statement that moves the cursor together with the rest of its page's
 * last writes (a data-modifying `with` runs whether or not the statement reads it).
 */
export function cursorUpsert(cursor: CursorMove, now: Date): SQL {
  return sql`
    insert into sync_cursors (scope_id, stream, cursor, updated_at)
    values (${cursor.scopeId}, ${cursor.stream}, ${JSON.stringify(cursor.value)}::jsonb, ${now.toISOString()}::timestamptz)
    on conflict (scope_id, stream) do update set cursor = excluded.cursor, updated_at = excluded.updated_at
    where sync_cursors.cursor is distinct from excluded.cursor`;
}
