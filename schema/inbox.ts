import { sql } from "drizzle-orm";
import { bigint, index, pgTable, serial, text } from "drizzle-orm/pg-core";
import { at } from "./columns.ts";

/**
 * What people decided about a task in the web inbox. A muted task stays out of the inbox until it is
 * unmuted; a task marked done stays out while `done_at` is set, and the flag recompute that follows every
 * change to a task clears `done_at` when the task has activity newer than it. No foreign key to `tasks`, as
 * on `item_links`: tasks are tombstoned, never deleted.
 */
export const inboxTaskStates = pgTable("inbox_task_states", {
  taskKey: text("task_key").primaryKey(),
  mutedAt: at("muted_at"),
  mutedBy: text("muted_by"),
  doneAt: at("done_at"),
  doneBy: text("done_by"),
  updatedAt: at("updated_at").notNull().default(sql`now()`),
});

/** A named inbox query (`kind:stale project:FAL`), shared by everyone who signs in to this deployment. */
export const savedSearches = pgTable(
  "saved_searches",
  {
    id: serial("id").primaryKey(),
    name: text("name").notNull(),
    query: text("query").notNull(),
    createdBy: text("created_by"),
    createdAt: at("created_at").notNull().default(sql`now()`),
  },
  (t) => [index("saved_searches_name_idx").on(t.name)],
);

/**
 * The inbox's counts per flag kind, kept by triggers on `flags`, `tasks` and `inbox_task_states`
 * (migrations 0017 and 0018): how many flags show on tasks that exist, are not deleted and are neither muted
 * nor marked done. Rows are added, never updated, so writers never wait on each other here: each statement
 * that changes a count adds one row per kind (and snooze end) it changed (`counted_at` null), and a recount
 * (`inbox_flag_counts_recount()`) replaces every row it sees with the exact counts (`counted_at` set). Open
 * flags are counted with `snoozed_until` null; snoozed flags with their snooze's end, since only time ends a
 * snooze: the inbox sums the rows whose end is null or has come.
 */
export const inboxFlagCounts = pgTable("inbox_flag_counts", {
  kind: text("kind").notNull(),
  n: bigint("n", { mode: "number" }).notNull(),
  /** Null: open flags; else snoozed flags whose snooze ends then (they count from then on). */
  snoozedUntil: at("snoozed_until"),
  countedAt: at("counted_at"),
});
