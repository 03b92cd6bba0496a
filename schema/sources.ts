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
  },
  (t) => [uniqueIndex("source_scopes_source_scope_key").on(t.source, t.scope)],
);

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
