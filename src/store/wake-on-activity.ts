import { sql } from "drizzle-orm";
import type { Db } from "./db.ts";
import { queryRows } from "./rows.ts";

/** Why a flag is open again when activity on its task ended its snooze early (`flags.state_reason`). */
export const WOKEN_REASON = "new activity after the snooze";

const texts = (values: readonly string[]) => sql`${sql.param([...values])}::text[]`;
const time = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/** Which of the two statements below would change anything for these tasks, as of now. */
export interface Wakeable {
  snoozed: boolean;
  done: boolean;
}

/**
 * Whether any snoozed flag or "marked done" of these tasks has newer activity: read alongside the batch's
 * snapshots, so that the writes below are only sent when there is something to write. Activity that lands
 * after this read changed its task again, and the recompute that follows that change wakes it.
 */
export async function loadWakeable(db: Db, taskKeys: readonly string[]): Promise<Wakeable> {
  if (taskKeys.length === 0) return { snoozed: false, done: false };
  const keys = texts(taskKeys);
  const rows = await queryRows<Wakeable>(
    db,
    sql`select
          exists (select 1 from flags f join tasks t on t.key = f.task_key
                  where f.task_key = any(${keys}) and f.state = 'snoozed' and t.last_activity_at > f.state_at) as snoozed,
          exists (select 1 from inbox_task_states s join tasks t on t.key = s.task_key
                  where s.task_key = any(${keys}) and s.done_at is not null and t.last_activity_at > s.done_at) as done`,
  );
  return { snoozed: rows[0]?.snoozed === true, done: rows[0]?.done === true };
}

/**
 * Opens the snoozed flags of these tasks whose task has activity newer than the snooze
 * (`tasks.last_activity_at > flags.state_at`, bots included, as the inbox always showed them), whatever the
 * snooze's end. `snoozed_until` is cleared and `state_at`/`updated_at` set to `now`; `state_by` keeps who
 * snoozed it, `state_reason` says why it is back. Answers how many flags woke.
 */
export async function saveWokenSnoozes(db: Db, taskKeys: readonly string[], now: Date): Promise<number> {
  if (taskKeys.length === 0) return 0;
  const rows = await queryRows<{ n: number }>(
    db,
    sql`with woken as (
          update flags f set state = 'open', snoozed_until = null, state_reason = ${WOKEN_REASON},
                 state_at = ${time(now)}, updated_at = ${time(now)}
          from tasks t
          where f.task_key = any(${texts(taskKeys)}) and f.state = 'snoozed'
            and t.key = f.task_key and t.last_activity_at > f.state_at
          returning 1)
        select count(*)::int as n from woken`,
  );
  return rows[0]?.n ?? 0;
}

/**
 * Takes back "marked done" (`inbox_task_states.done_at`) on these tasks where activity newer than the mark
 * arrived. `done_by` keeps who marked it; `updated_at` is set to `now`. Answers how many tasks came back.
 */
export async function saveDoneTakenBack(db: Db, taskKeys: readonly string[], now: Date): Promise<number> {
  if (taskKeys.length === 0) return 0;
  const rows = await queryRows<{ n: number }>(
    db,
    sql`with cleared as (
          update inbox_task_states s set done_at = null, updated_at = ${time(now)}
          from tasks t
          where s.task_key = any(${texts(taskKeys)}) and s.done_at is not null
            and t.key = s.task_key and t.last_activity_at > s.done_at
          returning 1)
        select count(*)::int as n from cleared`,
  );
  return rows[0]?.n ?? 0;
}
