/**
 * What a person decides for themselves in the inbox ("snooze for me", "mute for me"): rows of
 * `inbox_person_states`, which hide a flag or a task from that person only. Every change is also written to
 * the history (`inbox-history.ts`) in the same transaction.
 *
 * Nothing here is woken by a recompute: the inbox reads these states against the task's last activity and the
 * flag's newest evidence (`hiddenFromPerson` in `inbox-queries.ts`), the rules the recompute applies to the
 * team's snoozes, dismissals and "done".
 */
import { sql } from "drizzle-orm";
import type { Db } from "./db.ts";
import { saveStateChange } from "./inbox-history.ts";
import { queryRows } from "./rows.ts";

const time = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/** The flag's task, when the flag exists and is not resolved; null otherwise. */
async function loadLiveFlagTask(db: Db, flagId: string): Promise<string | null> {
  const rows = await queryRows<{ task_key: string }>(
    db,
    sql`select task_key from flags where id = ${flagId} and state <> 'resolved'`,
  );
  return rows[0]?.task_key ?? null;
}

/**
 * Snoozes a flag until `until`, or dismisses it with a reason, for one person; a second change replaces the
 * first. Answers the flag's task, or null when the flag is resolved or gone (nothing changed).
 */
export async function savePersonFlagState(
  db: Db,
  input: {
    personId: string;
    flagId: string;
    state: "snoozed" | "dismissed";
    until?: Date;
    reason?: string;
    by: string;
    now: Date;
  },
): Promise<string | null> {
  return db.transaction(async (txn) => {
    const tx = txn as unknown as Db;
    const taskKey = await loadLiveFlagTask(tx, input.flagId);
    if (!taskKey) return null;
    const until = input.state === "snoozed" && input.until ? input.until : null;
    const reason = input.state === "dismissed" ? (input.reason ?? null) : null;
    await tx.execute(sql`delete from inbox_person_states
      where person_id = ${input.personId} and task_key = ${taskKey} and flag_id = ${input.flagId}`);
    await tx.execute(sql`insert into inbox_person_states (person_id, task_key, flag_id, state, until, reason, at)
      values (${input.personId}, ${taskKey}, ${input.flagId}, ${input.state},
              ${until ? time(until) : sql`null`}, ${reason}, ${time(input.now)})`);
    await saveStateChange(
      tx,
      { taskKey, flagId: input.flagId, action: input.state, scope: "me", by: input.by, until, reason },
      input.now,
    );
    return taskKey;
  });
}

/** Mutes or marks done a task for one person (`on`), or takes that back. Idempotent. */
export async function savePersonTaskState(
  db: Db,
  input: { personId: string; taskKey: string; state: "muted" | "done"; on: boolean; by: string; now: Date },
): Promise<void> {
  await db.transaction(async (txn) => {
    const tx = txn as unknown as Db;
    if (input.on) {
      await tx.execute(sql`insert into inbox_person_states (person_id, task_key, flag_id, state, at)
        values (${input.personId}, ${input.taskKey}, '', ${input.state}, ${time(input.now)})
        on conflict (person_id, task_key, flag_id, state) do update set at = excluded.at`);
    } else {
      await tx.execute(sql`delete from inbox_person_states where person_id = ${input.personId}
        and task_key = ${input.taskKey} and flag_id = '' and state = ${input.state}`);
    }
    const action = input.on ? input.state : input.state === "muted" ? "unmuted" : "undone";
    await saveStateChange(
      tx,
      { taskKey: input.taskKey, flagId: null, action, scope: "me", by: input.by, until: null, reason: null },
      input.now,
    );
  });
}

/** One person's own state of a task: muted, and marked done (still hidden: no activity since). */
export async function loadPersonTaskState(
  db: Db,
  input: { personId: string; taskKey: string },
): Promise<{ muted: boolean; done: boolean }> {
  const rows = await queryRows<{ muted: boolean; done: boolean }>(
    db,
    sql`select
          exists (select 1 from inbox_person_states m where m.person_id = ${input.personId}
                  and m.task_key = ${input.taskKey} and m.flag_id = '' and m.state = 'muted') as muted,
          exists (select 1 from inbox_person_states m join tasks t on t.key = m.task_key
                  where m.person_id = ${input.personId} and m.task_key = ${input.taskKey} and m.flag_id = ''
                    and m.state = 'done' and coalesce(t.last_activity_at <= m.at, true)) as done`,
  );
  return { muted: rows[0]?.muted === true, done: rows[0]?.done === true };
}
