import { sql } from "drizzle-orm";
import { type CursorMove, cursorUpsert } from "./cursors.ts";
import type { Db } from "./db.ts";
import { pageRows } from "./page-rows.ts";
import { arrayParam } from "./sql-arrays.ts";

/**
 * Sets `tasks.last_activity_at` to the newest of the task's own `updated_at` and the `at` of the items linked
 * to it (not removed, not deleted), for the given tasks and the tasks the given items are linked to; returns
 * the keys whose value moved. Bots count here: this is raw activity, and the stale rule decides what it
 * ignores.
 *
 * A lock per key serialises two transactions that touch one task, so the second recomputes with the first's
 * items committed and visible (READ COMMITTED takes a fresh snapshot per statement).
 */
export async function refreshLastActivity(
  db: Db,
  taskKeys: Iterable<string>,
  itemIds: Iterable<string> = [],
): Promise<string[]> {
  const result = await refreshLastActivityOf(db, taskKeys, itemIds);
  return result.changed;
}

/**
 * `refreshLastActivity`, also answering every task it looked at (`touched`) and those it reached through
 * the given items (`viaItems`), for the changed-task set.
 */
export async function refreshLastActivityOf(
  db: Db,
  taskKeys: Iterable<string>,
  itemIds: Iterable<string> = [],
): Promise<{ touched: string[]; viaItems: string[]; changed: string[] }> {
  const locked = await lockTasksForActivity(db, taskKeys, itemIds);
  return { ...locked, changed: await updateLastActivity(db, locked.touched) };
}

/**
 * The first half of `refreshLastActivityOf`: takes the per-task locks (in key order) of the given tasks and
 * of the tasks the given items are linked to, and answers which those are.
 */
export async function lockTasksForActivity(
  db: Db,
  taskKeys: Iterable<string>,
  itemIds: Iterable<string> = [],
): Promise<{ touched: string[]; viaItems: string[] }> {
  const keys = [...new Set(taskKeys)];
  const items = [...new Set(itemIds)];
  if (keys.length === 0 && items.length === 0) return { touched: [], viaItems: [] };
  const locked = await pageRows<{ key: string; via_items: boolean }>(
    db,
    sql`select k as key, via_items, pg_advisory_xact_lock(hashtextextended('task:' || k, 0)) from (
          select k, bool_or(via_items) as via_items from (
            select k, false as via_items from jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb) as k
            union all
            select task_key, true from item_links
            where not removed and item_id in (select jsonb_array_elements_text(${JSON.stringify(items)}::jsonb))
          ) u(k, via_items)
          group by k order by k
        ) s`,
  );
  return { touched: locked.map((r) => r.key), viaItems: locked.filter((r) => r.via_items).map((r) => r.key) };
}

/**
 * The second half: recomputes `last_activity_at` of locked tasks, in a statement of its own so that it reads
 * what the transactions it waited for committed. Answers the keys whose value moved. A page's cursor, when
 * given, moves in the same statement: one statement fewer for every page.
 */
export async function updateLastActivity(
  db: Db,
  lockedKeys: readonly string[],
  cursor?: { move: CursorMove; now: Date },
): Promise<string[]> {
  if (lockedKeys.length === 0 && !cursor) return [];
  const rows = await pageRows<{ key: string }>(
    db,
    // Driven by the key list, each task found by primary key and its newest item computed once (the CTE is
    // materialized: the value is used twice). Joining the tasks table to `in (…)` let the planner hash the
    // whole table on every page, which it does with a growing table's stale statistics.
    sql`with ${cursor ? sql`moved_cursor as (${cursorUpsert(cursor.move, cursor.now)}),` : sql``}
        a as materialized (
          select t2.key, greatest(t2.updated_at, m.at) as value
          from unnest(${arrayParam(lockedKeys)}::text[]) as k(key)
          join tasks t2 on t2.key = k.key
          cross join lateral (
            select max(i.at) as at from item_links l join items i on i.id = l.item_id
            where l.task_key = k.key and not l.removed and i.deleted_at is null
          ) m
        )
        update tasks t set last_activity_at = a.value from a
        where t.key = a.key and t.last_activity_at is distinct from a.value
        returning t.key`,
  );
  return rows.map((r) => r.key);
}
