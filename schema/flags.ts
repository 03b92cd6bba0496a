import { sql } from "drizzle-orm";
import { index, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { at } from "./columns.ts";
import { people } from "./people.ts";

/**
 * A reason a task is stuck: one flag per task and kind that is not resolved (resolved rows are history).
 * `fingerprint` names the signal that leads it; `reasons` are all its signals' reasons. `since` is when it was
 * first seen; state changes record who made them and why.
 */
export const flags = pgTable(
  "flags",
  {
    id: text("id").primaryKey(),
    taskKey: text("task_key").notNull(),
    kind: text("kind").notNull(),
    fingerprint: text("fingerprint").notNull().default(""),
    since: at("since").notNull(),
    reason: text("reason").notNull(),
    reasons: text("reasons").array().notNull().default(sql`'{}'::text[]`),
    evidence: text("evidence").array().notNull().default(sql`'{}'::text[]`),
    ownerId: text("owner_id").references(() => people.id),
    /** Person ids of the team members who must move now (a requested reviewer, who a question was put to). */
    waitingOn: text("waiting_on").array().notNull().default(sql`'{}'::text[]`),
    state: text("state").notNull().default("open"),
    snoozedUntil: at("snoozed_until"),
    stateBy: text("state_by"),
    stateReason: text("state_reason"),
    stateAt: at("state_at"),
    /** Time of the newest evidence item: a dismissed flag comes back when this moves past `stateAt`. */
    lastEvidenceAt: at("last_evidence_at"),
    resolvedAt: at("resolved_at"),
    updatedAt: at("updated_at").notNull().default(sql`now()`),
  },
  (t) => [
    uniqueIndex("flags_task_kind_open_key").on(t.taskKey, t.kind).where(sql`state <> 'resolved'`),
    index("flags_kind_state_idx").on(t.kind, t.state, t.since),
    // The inbox's snoozed flags of a kind, longest stuck first, the end of the snooze checked in the index:
    // the first page of the snoozes that ended (or of those still running) without reading the others' rows.
    index("flags_kind_snoozed_idx").on(t.kind, t.since, t.snoozedUntil).where(sql`state = 'snoozed'`),
    index("flags_task_idx").on(t.taskKey),
    // "Mine": the flags a person owns, by kind, longest stuck first (waiting_on has its GIN index).
    index("flags_owner_idx").on(t.ownerId, t.kind, t.since),
    index("flags_waiting_on_idx").using("gin", t.waitingOn),
  ],
);
