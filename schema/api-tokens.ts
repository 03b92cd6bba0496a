import { sql } from "drizzle-orm";
import { index, pgTable, text } from "drizzle-orm/pg-core";
import { at } from "./columns.ts";

/**
 * A person's API token, made on the web view's settings page. The secret is shown once and never stored: only
 * its SHA-256, so a copy of this table calls the API as nobody. `email` is the address the person signed in
 * with when they made it: what the API records as the author of the token's changes.
 */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: text("id").primaryKey(),
    secretHash: text("secret_hash").notNull().unique(),
    personId: text("person_id").notNull(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    /** `read`, or `read` and `write`. */
    scopes: text("scopes").array().notNull(),
    createdAt: at("created_at").notNull().default(sql`now()`),
    lastUsedAt: at("last_used_at"),
    expiresAt: at("expires_at").notNull(),
  },
  (t) => [index("api_tokens_person_idx").on(t.personId)],
);
