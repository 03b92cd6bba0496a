/**
 * What people decide about tasks in the web inbox (mute, mark done) and the searches they save. A task marked
 * done comes back by itself: the flag recompute after a change clears `done_at` when the task has newer
 * activity, and the inbox hides a task only while `done_at` is set.
 */
import { sql } from "drizzle-orm";
import type { Db } from "./db.ts";
import { pageRows } from "./page-rows.ts";
import { queryRows } from "./rows.ts";
import { isoUtc } from "./sql-fragments.ts";

const time = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/** Whether a task exists and is not deleted. */
export async function loadTaskExists(db: Db, taskKey: string): Promise<boolean> {
  const rows = await queryRows<{ ok: boolean }>(
    db,
    sql`select exists (select 1 from tasks where key = ${taskKey} and deleted_at is null) as ok`,
  );
  return rows[0]?.ok === true;
}

/** Mutes a task (`muted = true`) or unmutes it. Idempotent. */
export async function saveTaskMuted(
  db: Db,
  input: { taskKey: string; muted: boolean; by: string; now: Date },
): Promise<void> {
  const at = input.muted ? time(input.now) : sql`null`;
  const by = input.muted ? input.by : null;
  await db.execute(sql`
    insert into inbox_task_states (task_key, muted_at, muted_by, updated_at)
    values (${input.taskKey}, ${at}, ${by}, ${time(input.now)})
    on conflict (task_key) do update set muted_at = excluded.muted_at, muted_by = excluded.muted_by,
      updated_at = excluded.updated_at`);
}

/** Marks a task done for the inbox (`done = true`: hidden until newer activity) or takes that back. */
export async function saveTaskDone(
  db: Db,
  input: { taskKey: string; done: boolean; by: string; now: Date },
): Promise<void> {
  const at = input.done ? time(input.now) : sql`null`;
  const by = input.done ? input.by : null;
  await db.execute(sql`
    insert into inbox_task_states (task_key, done_at, done_by, updated_at)
    values (${input.taskKey}, ${at}, ${by}, ${time(input.now)})
    on conflict (task_key) do update set done_at = excluded.done_at, done_by = excluded.done_by,
      updated_at = excluded.updated_at`);
}

export interface SavedSearch {
  id: number;
  name: string;
  query: string;
  createdAt: string;
}

/** Every saved search, by name. */
export async function loadSavedSearches(db: Db): Promise<SavedSearch[]> {
  // Prepared: every opening of the inbox reads them.
  const rows = await pageRows<{ id: number; name: string; query: string; created_at: string }>(
    db,
    sql`select id, name, query, ${isoUtc(sql`created_at`)} as created_at from saved_searches
        order by lower(name), id limit 100`,
  );
  return rows.map((r) => ({ id: Number(r.id), name: r.name, query: r.query, createdAt: r.created_at }));
}

/** Saves a search under a name; a second save under the same name replaces the first's query. */
export async function saveSearch(
  db: Db,
  input: { name: string; query: string; by: string; now: Date },
): Promise<void> {
  await db.transaction(async (txn) => {
    const tx = txn as unknown as Db;
    const updated = await queryRows<{ id: number }>(
      tx,
      sql`update saved_searches set query = ${input.query} where lower(name) = lower(${input.name}) returning id`,
    );
    if (updated.length > 0) return;
    await tx.execute(sql`insert into saved_searches (name, query, created_by, created_at)
      values (${input.name}, ${input.query}, ${input.by}, ${time(input.now)})`);
  });
}

/** Deletes a saved search; an unknown id changes nothing. */
export async function deleteSavedSearch(db: Db, id: number): Promise<void> {
  await db.execute(sql`delete from saved_searches where id = ${id}`);
}
