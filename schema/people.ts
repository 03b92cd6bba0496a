import { sql } from "drizzle-orm";
import { boolean, index, jsonb, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { at } from "./columns.ts";

/** One human (or bot) across every source. `mergedInto` keeps a merged-away id resolvable. */
export const people = pgTable(
  "people",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    email: text("email"),
    isBot: boolean("is_bot").notNull().default(false),
    mergedInto: text("merged_into"),
    createdAt: at("created_at").notNull().default(sql`now()`),
    updatedAt: at("updated_at").notNull().default(sql`now()`),
  },
  (t) => [
    uniqueIndex("people_email_key")
      .on(sql`lower(${t.email})`)
      .where(sql`${t.email} is not null and ${t.mergedInto} is null`),
  ],
);

/** How a person appears in one source: a Jira account id, a GitHub login, a Slack user, an email address. */
export const identities = pgTable(
  "identities",
  {
    source: text("source").notNull(),
    externalId: text("external_id").notNull(),
    personId: text("person_id")
      .notNull()
      .references(() => people.id),
    displayName: text("display_name"),
    email: text("email"),
    /**
     * The name other records use for this account when it is not the key: a GitHub login (lower-cased) where
     * the key is GitHub's numeric id. Mentions, review requests and the people file name people by it.
     */
    handle: text("handle"),
    /** Further addresses the source vouches for (a GitHub account's verified commit and organisation emails). */
    emails: text("emails").array().notNull().default(sql`'{}'::text[]`),
    isGuest: boolean("is_guest").notNull().default(false),
    isBot: boolean("is_bot").notNull().default(false),
    raw: jsonb("raw"),
    updatedAt: at("updated_at").notNull().default(sql`now()`),
  },
  (t) => [
    primaryKey({ columns: [t.source, t.externalId] }),
    index("identities_person_idx").on(t.personId),
    index("identities_handle_idx").on(t.source, t.handle).where(sql`${t.handle} is not null`),
  ],
);

/** A suggested merge someone declined: the pair is not suggested again. Ids in sorted order. */
export const mergeDismissals = pgTable(
  "merge_dismissals",
  {
    personA: text("person_a").notNull(),
    personB: text("person_b").notNull(),
    by: text("by").notNull(),
    at: at("at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.personA, t.personB] })],
);
