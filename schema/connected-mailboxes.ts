import { sql } from "drizzle-orm";
import { index, pgTable, text } from "drizzle-orm/pg-core";
import { at } from "./columns.ts";

/**
 * A mailbox a person connected from their settings page: read as the Gmail scope `scope`
 * (`connected:<address>`), whose `source_scopes` row holds its last sync and state. The refresh token is
 * stored sealed (AES-256-GCM under THREADLINE_SECRET_KEY, bound to the scope), never in the clear.
 */
export const connectedMailboxes = pgTable(
  "connected_mailboxes",
  {
    scope: text("scope").primaryKey(),
    personId: text("person_id").notNull(),
    address: text("address").notNull(),
    sealedRefreshToken: text("sealed_refresh_token").notNull(),
    /** The scopes Google granted, as it listed them. */
    grantedScopes: text("granted_scopes").notNull(),
    connectedAt: at("connected_at").notNull().default(sql`now()`),
  },
  (t) => [index("connected_mailboxes_person_idx").on(t.personId)],
);
