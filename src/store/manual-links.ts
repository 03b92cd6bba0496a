/**
 * A person's decisions about which task an item belongs to. Both write an `item_links` row with
 * `manual = true`: a link (`removed = false`, rule `manual`) or a removal (`removed = true`).
 *
 * They survive later syncs because the sync engine never touches a manual row: `saveItemLinks` (and the
 * relink built on it) neither inserts over, rewrites nor deletes a row with `manual = true`, and a manual
 * removal keeps the automatic link of that task away. If that ever changes, these decisions are lost.
 */
import { sql } from "drizzle-orm";
import type { Item } from "../model/api-schemas.ts";
import type { Db } from "./db.ts";
import { refreshLastActivity } from "./last-activity.ts";
import { queryRows } from "./rows.ts";
import { loadItem } from "./task-queries.ts";

export interface ManualLinkInput {
  taskKey: string;
  itemId: string;
  /** Who decided; recorded in `created_by`. */
  by: string;
  now: Date;
}

export type ManualLinkResult =
  | { status: "linked"; item: Item }
  | { status: "unlinked" }
  | { status: "task_not_found" }
  | { status: "item_not_found" };

/** Both ends must exist and not be deleted. */
async function findMissing(db: Db, taskKey: string, itemId: string) {
  const rows = await queryRows<{ task: boolean; item: boolean }>(
    db,
    sql`select exists (select 1 from tasks where key = ${taskKey} and deleted_at is null) as task,
               exists (select 1 from items where id = ${itemId} and deleted_at is null) as item`,
  );
  const row = rows[0];
  if (!row?.task) return { status: "task_not_found" } as const;
  if (!row.item) return { status: "item_not_found" } as const;
  return null;
}

/**
 * Links an item to a task by hand, in one transaction, and moves the task's `last_activity_at`. Idempotent:
 * linking again changes nothing. An automatic link of the pair becomes manual, and a manual removal is undone.
 */
export async function saveManualLink(db: Db, input: ManualLinkInput): Promise<ManualLinkResult> {
  return db.transaction(async (txn) => {
    const tx = txn as unknown as Db;
    const missing = await findMissing(tx, input.taskKey, input.itemId);
    if (missing) return missing;
    await tx.execute(sql`
      insert into item_links as l (item_id, task_key, rule, manual, removed, created_by, created_at)
      values (${input.itemId}, ${input.taskKey}, 'manual', true, false, ${input.by}, ${input.now.toISOString()}::timestamptz)
      on conflict (item_id, task_key) do update
        set rule = 'manual', manual = true, removed = false, created_by = excluded.created_by,
            created_at = excluded.created_at
        where not (l.manual and not l.removed)`);
    await refreshLastActivity(tx, [input.taskKey]);
    const item = await loadItem(tx, input.itemId, input.taskKey);
    if (!item) return { status: "item_not_found" };
    return { status: "linked", item };
  });
}

/**
 * Takes an item off a task by hand, in one transaction: the pair's row becomes a manual removal (created when
 * there was no link), so no later sync or relink puts the item back. Idempotent.
 */
export async function removeManualLink(db: Db, input: ManualLinkInput): Promise<ManualLinkResult> {
  return db.transaction(async (txn) => {
    const tx = txn as unknown as Db;
    const missing = await findMissing(tx, input.taskKey, input.itemId);
    if (missing) return missing;
    await tx.execute(sql`
      insert into item_links as l (item_id, task_key, rule, manual, removed, created_by, created_at)
      values (${input.itemId}, ${input.taskKey}, 'manual', true, true, ${input.by}, ${input.now.toISOString()}::timestamptz)
      on conflict (item_id, task_key) do update
        set manual = true, removed = true, created_by = excluded.created_by, created_at = excluded.created_at
        where not (l.manual and l.removed)`);
    await refreshLastActivity(tx, [input.taskKey]);
    return { status: "unlinked" };
  });
}
