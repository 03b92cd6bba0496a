import { sql } from "drizzle-orm";
import { index, integer, pgTable, text } from "drizzle-orm/pg-core";
import { at } from "./columns.ts";

/**
 * A signed-in browser. The cookie holds a random id; only its SHA-256 is stored, so a copy of this table signs
 * nobody in. `personId` is null for the local admin (token sign-in without OIDC); `email` is what the person
 * signed in with, checked against the team domains on every request.
 */
export const webSessions = pgTable(
  "web_sessions",
  {
    idHash: text("id_hash").primaryKey(),
    personId: text("person_id"),
    email: text("email"),
    name: text("name"),
    role: text("role").notNull(),
    /** What this session's forms carry. */
    csrf: text("csrf").notNull(),
    createdAt: at("created_at").notNull().default(sql`now()`),
    lastSeenAt: at("last_seen_at").notNull().default(sql`now()`),
    expiresAt: at("expires_at").notNull(),
  },
  (t) => [index("web_sessions_person_idx").on(t.personId), index("web_sessions_expires_idx").on(t.expiresAt)],
);

/** Failed sign-ins per client address: each one doubles the wait before the next attempt is heard. */
export const signinAttempts = pgTable("signin_attempts", {
  client: text("client").primaryKey(),
  failures: integer("failures").notNull(),
  lastFailureAt: at("last_failure_at").notNull(),
  blockedUntil: at("blocked_until").notNull(),
});
