import { sql } from "drizzle-orm";
import type { Db } from "../../src/store/db.ts";
import { queryRows } from "../../src/store/rows.ts";

/** The columns that only say when Threadline wrote a row, for comparisons that leave them out. */
export const BOOKKEEPING = ["updated_at", "created_at", "last_success_at", "claimed_at"] as const;

/**
 * Every table, every row, in a fixed order, with scope ids replaced by `source/scope` (serial ids depend
 * on the order scopes were first seen). Compare two of these with `toEqual`.
 */
export async function dumpDatabase(db: Db, options: { omit?: readonly string[] } = {}) {
  const omit = new Set(options.omit ?? []);
  const strip = (rows: Record<string, unknown>[]) =>
    rows.map((row) => Object.fromEntries(Object.entries(row).filter(([k]) => !omit.has(k))));
  const scopeName = sql`(select s.source || '/' || s.scope from source_scopes s where s.id = t.scope_id)`;
  const q = (query: ReturnType<typeof sql>) => queryRows<Record<string, unknown>>(db, query).then(strip);
  return {
    source_scopes: await q(
      sql`select source, scope, status, status_reason, last_success_at, created_at from source_scopes t order by source, scope`,
    ),
    sync_cursors: await q(
      sql`select ${scopeName} as scope, stream, cursor, updated_at from sync_cursors t order by 1, stream`,
    ),
    people: await q(sql`select * from people t order by id`),
    identities: await q(sql`select * from identities t order by source, external_id`),
    tasks: await q(
      sql`select key, source, ${scopeName} as scope, external_id, title, status, status_category, url, assignee_id,
                 reporter_id, labels, priority, due_at, created_at, updated_at, last_activity_at, raw, deleted_at
          from tasks t order by key`,
    ),
    items: await q(
      sql`select id, source, external_id, ${scopeName} as scope, kind, author_id, at, text, url, thread_id, meta, raw,
                 edited_at, deleted_at, updated_at
          from items t order by id`,
    ),
    item_links: await q(sql`select * from item_links t order by item_id, task_key`),
    flags: await q(sql`select * from flags t order by id`),
    digests: await q(sql`select * from digests t order by recipient, day`),
  };
}

/** One source's items oldest first, each with its live links as `task_key rule`. */
export function itemsWithLinks(db: Db, source: string) {
  return queryRows<{
    external_id: string;
    text: string;
    thread_id: string;
    deleted_at: string | null;
    links: string[] | null;
  }>(
    db,
    sql`select i.external_id, i.text, i.thread_id, i.deleted_at,
               (select array_agg(l.task_key || ' ' || l.rule order by l.task_key) from item_links l
                 where l.item_id = i.id and not l.removed) as links
        from items i where i.source = ${source} order by i.at, i.external_id`,
  );
}
