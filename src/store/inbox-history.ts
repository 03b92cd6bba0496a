/**
 * The history of what people did to a task's flags and to the task in the inbox: who, what, when, why, and
 * whether for themselves or for the team. `flags` and `inbox_task_states` keep only the latest state; the
 * task page reads this.
 */
import { sql } from "drizzle-orm";
import type { Db } from "./db.ts";
import { queryRows } from "./rows.ts";
import { isoUtc } from "./sql-fragments.ts";

export type StateAction = "snoozed" | "dismissed" | "muted" | "unmuted" | "done" | "undone";
/** "me": only the person who did it stops seeing it; "team": everyone does. */
export type StateScope = "me" | "team";

export interface StateChange {
  taskKey: string;
  /** Null for a change of the task itself (mute, done). */
  flagId: string | null;
  action: StateAction;
  scope: StateScope;
  /** Who did it: the person's email, or "admin" for the local admin. */
  by: string;
  until: Date | null;
  reason: string | null;
}

const time = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/** Records one change as of `now`. */
export async function saveStateChange(db: Db, change: StateChange, now: Date): Promise<void> {
  await db.execute(sql`
    insert into inbox_state_history (task_key, flag_id, action, scope, by, until, reason, at)
    values (${change.taskKey}, ${change.flagId}, ${change.action}, ${change.scope}, ${change.by},
            ${change.until ? time(change.until) : sql`null`}, ${change.reason}, ${time(now)})`);
}

export interface StateHistoryEntry extends Omit<StateChange, "until"> {
  until: string | null;
  at: string;
  /** The flag's kind, when the flag still exists. */
  flagKind: string | null;
}

/** A task's changes, newest first (`inbox_state_history_task_idx`). */
export async function loadStateHistory(db: Db, taskKey: string, limit: number): Promise<StateHistoryEntry[]> {
  const rows = await queryRows<{
    task_key: string;
    flag_id: string | null;
    kind: string | null;
    action: StateAction;
    scope: StateScope;
    by: string;
    until: string | null;
    reason: string | null;
    at: string;
  }>(
    db,
    sql`select h.task_key, h.flag_id, f.kind, h.action, h.scope, h.by, ${isoUtc(sql`h.until`)} as until,
               h.reason, ${isoUtc(sql`h.at`)} as at
        from inbox_state_history h left join flags f on f.id = h.flag_id
        where h.task_key = ${taskKey}
        order by h.at desc, h.id desc limit ${limit}`,
  );
  return rows.map((r) => ({
    taskKey: r.task_key,
    flagId: r.flag_id,
    flagKind: r.kind,
    action: r.action,
    scope: r.scope,
    by: r.by,
    until: r.until,
    reason: r.reason,
    at: r.at,
  }));
}

/** An action someone took on one of the task's flags (src/actions), as its history lists it. */
export interface ActionHistoryEntry {
  taskKey: string;
  flagId: string;
  flagKind: string;
  /** `record`, `nudge`, `request-review`, `assign`, `confirm-deployed`, `reopen`, `chase`. */
  action: string;
  state: "pending" | "done" | "failed";
  /** Why it failed, when it did. */
  error: string | null;
  /** Who acted: the person's email, or "admin". */
  by: string;
  /** Where it wrote, in words (`a comment on ACME-12 in Jira`). */
  where: string[];
  at: string;
}

export type TaskHistoryEntry =
  | ({ type: "state" } & StateHistoryEntry)
  | ({ type: "action" } & ActionHistoryEntry);

/**
 * A task's history, newest first: what people did to its flags and to it in the inbox, and the actions they
 * took on its flags in the sources.
 */
export async function loadTaskHistory(db: Db, taskKey: string, limit: number): Promise<TaskHistoryEntry[]> {
  const [states, actions] = await Promise.all([
    loadStateHistory(db, taskKey, limit),
    queryRows<{
      flag_id: string;
      flag_kind: string;
      action: string;
      state: ActionHistoryEntry["state"];
      error: string | null;
      by: string;
      plan: unknown;
      at: string;
    }>(
      db,
      sql`select flag_id, flag_kind, action, state, error, by, plan, ${isoUtc(sql`created_at`)} as at
          from flag_actions where task_key = ${taskKey}
          order by created_at desc, id desc limit ${limit}`,
    ),
  ]);
  const entries: TaskHistoryEntry[] = [
    ...states.map((s) => ({ type: "state" as const, ...s })),
    ...actions.map((a) => {
      const plan: unknown = typeof a.plan === "string" ? JSON.parse(a.plan) : a.plan;
      const where = Array.isArray(plan)
        ? plan.flatMap((w: { where?: unknown }) => (typeof w.where === "string" ? [w.where] : []))
        : [];
      return {
        type: "action" as const,
        taskKey,
        flagId: a.flag_id,
        flagKind: a.flag_kind,
        action: a.action,
        state: a.state,
        error: a.error,
        by: a.by,
        where,
        at: a.at,
      };
    }),
  ];
  // ISO 8601 UTC strings of one format sort as their instants.
  return entries.sort((x, y) => (x.at < y.at ? 1 : x.at > y.at ? -1 : 0)).slice(0, limit);
}
