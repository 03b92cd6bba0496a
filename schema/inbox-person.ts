import { sql } from "drizzle-orm";
import { index, pgTable, primaryKey, serial, text } from "drizzle-orm/pg-core";
import { at } from "./columns.ts";

/**
 * What one person decided for themselves ("snooze for me"): the flag or task leaves their own inbox, Mine and
 * Team alike, and stays in everyone else's. `flag_id` is '' for a task's own states (muted, done); a flag's
 * state is `snoozed` (until `until`) or `dismissed` (with `reason`). Nothing writes these back on activity:
 * the inbox compares `at` with the task's last activity and the flag's newest evidence as it reads, the same
 * rules the recompute applies to the team's states. The key leads with the person and the task, so "not
 * hidden from me" is one index probe per row of a page.
 */
export const inboxPersonStates = pgTable(
  "inbox_person_states",
  {
    personId: text("person_id").notNull(),
    taskKey: text("task_key").notNull(),
    flagId: text("flag_id").notNull().default(""),
    state: text("state").notNull(),
    until: at("until"),
    reason: text("reason"),
    at: at("at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.personId, t.taskKey, t.flagId, t.state] })],
);

/**
 * Every change of a flag's or a task's state made by someone (snooze, dismiss, mute, done and their undoing),
 * for them alone (`scope` 'me') or for the team: the task page's history. `flags` and `inbox_task_states`
 * hold only the latest.
 */
export const inboxStateHistory = pgTable(
  "inbox_state_history",
  {
    id: serial("id").primaryKey(),
    taskKey: text("task_key").notNull(),
    flagId: text("flag_id"),
    action: text("action").notNull(),
    scope: text("scope").notNull(),
    by: text("by").notNull(),
    until: at("until"),
    reason: text("reason"),
    at: at("at").notNull().default(sql`now()`),
  },
  (t) => [index("inbox_state_history_task_idx").on(t.taskKey, t.at)],
);
