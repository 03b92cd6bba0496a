import { sql } from "drizzle-orm";
import { integer, jsonb, pgTable, primaryKey, serial, text, uniqueIndex } from "drizzle-orm/pg-core";
import { at } from "./columns.ts";

/**
 * One thing a source is read through: a Jira project, a repository, a mailbox, a channel.
 * `status` records a scope the token can no longer read; its items are kept.
 */
export const sourceScopes = pgTable(
  "source_scopes",
  {
    id: serial("id").primaryKey(),
    source: text("source").notNull(),
    scope: text("scope").notNull(),
    status: text("status").notNull().default("active"),
    statusReason: text("status_reason"),
    lastSuccessAt: at("last_success_at"),
    /**
     * Set by a run that evaluates flags (`backfill`, `sync`) when it starts on the scope, cleared once its
     * flags are evaluated: still set at the next run's start, the run before died between saving pages and
     * evaluating them, so the next one evaluates every task of the scope.
     */
    flagsPendingSince: at("flags_pending_since"),
    createdAt: at("created_at").notNull().default(sql`now()`),
    /** When the last pass that reached this scope ended on it, well or not. */
    lastPassAt: at("last_pass_at"),
    /** Why the last pass failed on this scope (null when it read it to its end), with the error's kind. */
    lastError: text("last_error"),
    lastErrorKind: text("last_error_kind"),
    /** The source's rate limit the last pass gave up waiting on: it accepts requests again at this time. */
    rateLimitedUntil: at("rate_limited_until"),
    /** How many items the last pass read from this scope. */
    itemsSeen: integer("items_seen"),
  },
  (t) => [uniqueIndex("source_scopes_source_scope_key").on(t.source, t.scope)],
);

/**
 * A configured source as a whole, for `threadline status` and the Sources page: what its last pass said of
 * everything its scopes share (the token, the API root), when the next pass is due, and when its last
 * verified webhook delivery arrived.
 */
export const sourceStates = pgTable("source_states", {
  source: text("source").primaryKey(),
  lastPassAt: at("last_pass_at"),
  /** The end of the last pass in which every scope of the source was read to its end. */
  lastSuccessAt: at("last_success_at"),
  /** A failure of the whole source (a refused token, an API root that does not answer), with its kind. */
  lastError: text("last_error"),
  lastErrorKind: text("last_error_kind"),
  /** When the schedule that ran the last pass runs the next one (null: when someone asks for a sync). */
  nextRunAt: at("next_run_at"),
  /** When the last push whose signature was verified arrived. */
  lastDeliveryAt: at("last_delivery_at"),
});

/** Where the next pull of one stream of a scope starts; written in the same transaction as the page it follows. */
export const syncCursors = pgTable(
  "sync_cursors",
  {
    scopeId: integer("scope_id")
      .notNull()
      .references(() => sourceScopes.id, { onDelete: "cascade" }),
    stream: text("stream").notNull(),
    cursor: jsonb("cursor").notNull(),
    updatedAt: at("updated_at").notNull().default(sql`now()`),
  },
  (t) => [primaryKey({ columns: [t.scopeId, t.stream] })],
);

/**
 * A push subscription a source holds for one scope (a Graph change-notification subscription on a channel):
 * its id and expiry, so it is renewed before it ends and lifecycle notifications, which name only the
 * subscription, find their scope. `subscription_id` is null while none could be made (`last_error` says why).
 */
export const sourceSubscriptions = pgTable(
  "source_subscriptions",
  {
    source: text("source").notNull(),
    scope: text("scope").notNull(),
    subscriptionId: text("subscription_id"),
    expiresAt: at("expires_at"),
    lastError: text("last_error"),
    /**
     * Set while a process creates the scope's subscription: several servers (or a cron tick and a lifecycle
     * notification) would otherwise each create one, and the extra ones would push for days unrenewed.
     */
    creatingSince: at("creating_since"),
    createdAt: at("created_at").notNull().default(sql`now()`),
    updatedAt: at("updated_at").notNull().default(sql`now()`),
  },
  (t) => [
    primaryKey({ columns: [t.source, t.scope] }),
    uniqueIndex("source_subscriptions_subscription_id_key").on(t.subscriptionId),
  ],
);
