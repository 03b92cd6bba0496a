import { sql } from "drizzle-orm";
import { index, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { at } from "./columns.ts";

/**
 * The webhook deliveries saved in the last week, by the id their source gives each (GitHub
 * `X-GitHub-Delivery`, Jira `X-Atlassian-Webhook-Identifier`, Slack `event_id`): a delivery sent again (a
 * retry, a redelivery, a replay) is answered without being saved twice. Written in the transaction that saves
 * the delivery, so one that failed to save is taken when it comes again.
 */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    source: text("source").notNull(),
    deliveryId: text("delivery_id").notNull(),
    receivedAt: at("received_at").notNull().default(sql`now()`),
  },
  (t) => [
    primaryKey({ columns: [t.source, t.deliveryId] }),
    index("webhook_deliveries_received_at_idx").on(t.receivedAt),
  ],
);
