import { sql } from "drizzle-orm";
import { integer, jsonb, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { at } from "./columns.ts";

/** The log of digests: a (recipient, day) row is claimed before sending, so nobody gets two in a day. */
export const digests = pgTable(
  "digests",
  {
    recipient: text("recipient").notNull(),
    day: text("day").notNull(),
    status: text("status").notNull().default("claimed"),
    claimedAt: at("claimed_at").notNull().default(sql`now()`),
    sentAt: at("sent_at"),
    attempts: integer("attempts").notNull().default(0),
    error: text("error"),
    messageId: text("message_id"),
    summary: jsonb("summary"),
  },
  (t) => [primaryKey({ columns: [t.recipient, t.day] })],
);
