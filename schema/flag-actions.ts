import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { at } from "./columns.ts";

/**
 * An action a person took on a flag (a nudge, a comment recorded on the task, a review request): recorded
 * before any call to the source, so a retry or a double submit with the same idempotency key writes once.
 * `plan` holds each write exactly as previewed and approved (with its target); `results` one entry per write
 * made so far. `written_items` are the item ids (`<source>:<external id>`) the writes made: the rules and the
 * timeline recognise them when they arrive by sync. No foreign key to `flags` or `tasks`, as elsewhere: both
 * outlive nothing here (flags are resolved, tasks tombstoned, never deleted).
 */
export const flagActions = pgTable(
  "flag_actions",
  {
    id: text("id").primaryKey(),
    idempotencyKey: text("idempotency_key").notNull(),
    flagId: text("flag_id").notNull(),
    flagKind: text("flag_kind").notNull(),
    taskKey: text("task_key").notNull(),
    action: text("action").notNull(),
    /** `pending` (recorded, maybe under way), `done`, or `failed` with `error` and whether a retry may help. */
    state: text("state").notNull().default("pending"),
    retryable: boolean("retryable").notNull().default(false),
    error: text("error"),
    /** Who acted: the signed-in person's email, or `admin` for the deployment's token. */
    by: text("by").notNull(),
    attempts: integer("attempts").notNull().default(0),
    /** While an attempt runs: until when it holds the action (a crashed attempt's hold runs out). */
    heldUntil: at("held_until"),
    plan: jsonb("plan").notNull(),
    results: jsonb("results").notNull().default(sql`'[]'::jsonb`),
    writtenItems: text("written_items").array().notNull().default(sql`'{}'::text[]`),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
    doneAt: at("done_at"),
  },
  (t) => [
    uniqueIndex("flag_actions_idempotency_key").on(t.idempotencyKey),
    index("flag_actions_task_idx").on(t.taskKey, t.createdAt),
    index("flag_actions_flag_idx").on(t.flagId, t.createdAt),
    // The snapshot loader and the timeline find the items an action wrote among a task's items.
    index("flag_actions_written_items_idx").using("gin", t.writtenItems),
  ],
);
