import { sql } from "drizzle-orm";
import { nextTurn } from "../next-turn.ts";
import type { Db } from "./db.ts";
import { queryRows } from "./rows.ts";

/** What one upkeep pass did to a table. */
export interface TableUpkeep {
  table: string;
  /** Vacuumed (and analysed with it). */
  vacuumed: boolean;
  /** Analysed only. */
  analysed: boolean;
}

/**
 * The work PostgreSQL's autovacuum does, for the embedded database: PGlite runs PostgreSQL in single-user mode,
 * where no autovacuum worker ever starts, so without this its dead rows (every edited item, every flag and
 * count written again) are never reclaimed and its tables never get statistics for the planner. A table is
 * vacuumed, and analysed with it, past autovacuum's default threshold (50 dead rows plus a fifth of its live
 * ones), and analysed alone past the analyse threshold (50 changed rows plus a tenth); one table at a time,
 * with a turn of the event loop between them, since each statement holds the process's one connection.
 */
export async function keepUpEmbeddedDatabase(db: Db): Promise<TableUpkeep[]> {
  const due = await queryRows<{ table: string; vacuum: boolean }>(
    db,
    sql`select relname as table, n_dead_tup > 50 + 0.2 * n_live_tup as vacuum
        from pg_stat_user_tables
        where schemaname = 'public'
          and (n_dead_tup > 50 + 0.2 * n_live_tup or n_mod_since_analyze > 50 + 0.1 * n_live_tup)
        order by relname`,
  );
  const done: TableUpkeep[] = [];
  for (const { table, vacuum } of due) {
    await nextTurn();
    await db.execute(
      vacuum ? sql`vacuum (analyze) ${sql.identifier(table)}` : sql`analyze ${sql.identifier(table)}`,
    );
    done.push({ table, vacuumed: vacuum, analysed: !vacuum });
  }
  return done;
}
