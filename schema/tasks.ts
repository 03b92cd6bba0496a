import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { at, tsvector } from "./columns.ts";

/**
 * A unit of work: a Jira issue (`PROJ-123`) or a GitHub issue or pull request (`owner/repo#12`). Scope and
 * people columns carry no foreign key, as on `items` (see there).
 */
export const tasks = pgTable(
  "tasks",
  {
    key: text("key").primaryKey(),
    source: text("source").notNull(),
    scopeId: integer("scope_id"),
    externalId: text("external_id").notNull(),
    title: text("title").notNull(),
    status: text("status").notNull(),
    statusCategory: text("status_category").notNull(),
    url: text("url").notNull(),
    assigneeId: text("assignee_id"),
    reporterId: text("reporter_id"),
    labels: text("labels").array().notNull().default(sql`'{}'::text[]`),
    priority: text("priority"),
    dueAt: at("due_at"),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
    /** The newest activity on the task or anything linked to it; kept by the store on every write. */
    lastActivityAt: at("last_activity_at").notNull(),
    raw: jsonb("raw"),
    deletedAt: at("deleted_at"),
    search: tsvector("search").generatedAlwaysAs(
      sql`to_tsvector('simple', coalesce(key, '') || ' ' || coalesce(title, ''))`,
    ),
  },
  (t) => [
    uniqueIndex("tasks_source_external_key").on(t.source, t.externalId),
    index("tasks_last_activity_idx").on(t.lastActivityAt.desc(), t.key),
    index("tasks_assignee_idx").on(t.assigneeId),
    index("tasks_search_idx").using("gin", t.search),
  ],
);
