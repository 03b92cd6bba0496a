import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { at } from "./columns.ts";

/**
 * Everything that happens around a task: comments, reviews, emails, chat messages, status changes, deployments.
 * `id` is `<source>:<external id>`, so a repeated pull updates the same row. `raw` is the API object as it came,
 * so mapping and linking can be replayed without asking the API again.
 *
 * `scope_id` and `author_id` carry no foreign key: the page that writes an item writes its scope and author
 * first, in the same transaction, and neither scopes nor people are ever deleted (a merge keeps the merged
 * person). A key's check locks the parent row for every item written (the same few hundred people and a
 * handful of scopes for every concurrent page), which cost about as much as the insert itself.
 */
export const items = pgTable(
  "items",
  {
    id: text("id").primaryKey(),
    source: text("source").notNull(),
    externalId: text("external_id").notNull(),
    scopeId: integer("scope_id"),
    kind: text("kind").notNull(),
    authorId: text("author_id"),
    at: at("at").notNull(),
    text: text("text").notNull().default(""),
    url: text("url"),
    threadId: text("thread_id"),
    /** Source-specific facts the rules read: review state, email headers, reactions, status from/to. */
    meta: jsonb("meta").notNull().default(sql`'{}'::jsonb`),
    raw: jsonb("raw"),
    /**
     * Who may read it where the source says so: a JSON array of lower-cased keys (a private Slack channel's
     * member ids, an email's addresses; `src/model/audience.ts`). Null: everyone on the team.
     */
    audience: jsonb("audience"),
    editedAt: at("edited_at"),
    deletedAt: at("deleted_at"),
    updatedAt: at("updated_at").notNull().default(sql`now()`),
  },
  (t) => [
    uniqueIndex("items_source_external_key").on(t.source, t.externalId),
    index("items_thread_idx").on(t.source, t.threadId),
    index("items_at_idx").on(t.at),
    // Email threading: a reply finds its ancestors by Message-ID, a late ancestor finds its replies by
    // References, both while linking a page (src/store/item-links.ts).
    index("items_message_id_idx").on(sql`(${t.meta}->>'messageId')`).where(sql`${t.meta} ? 'messageId'`),
    // Pull request items among a task's links, and a pull request's own item by the key it names (whether a
    // task is itself a pull request, so takes no other's items): probes of small indexes instead of reading
    // every item of the tasks (src/store/pull-request-work.ts).
    index("items_pull_request_idx").on(t.id).where(sql`${t.kind} = 'pull_request'`),
    index("items_pull_request_key_idx")
      .on(sql`((${t.meta}->>'repo') || '#' || (${t.meta}->>'number'))`)
      .where(sql`${t.kind} = 'pull_request'`),
    index("items_references_idx")
      .using("gin", sql`(${t.meta}->'references')`)
      .where(sql`${t.meta} ? 'references'`),
  ],
);

/**
 * Which task an item belongs to, and the rule that decided it. A manual link (or a manual removal,
 * `removed = true`) is a person's decision and survives every later sync and relink.
 *
 * No foreign key to `items`, for the same reason as there: links are written with their items in one
 * transaction (a manual link checks the item exists), and items are tombstoned, never deleted.
 */
export const itemLinks = pgTable(
  "item_links",
  {
    itemId: text("item_id").notNull(),
    taskKey: text("task_key").notNull(),
    rule: text("rule").notNull(),
    manual: boolean("manual").notNull().default(false),
    removed: boolean("removed").notNull().default(false),
    createdBy: text("created_by"),
    createdAt: at("created_at").notNull().default(sql`now()`),
  },
  (t) => [
    primaryKey({ columns: [t.itemId, t.taskKey] }),
    index("item_links_task_idx").on(t.taskKey, t.itemId),
  ],
);
