import { sql } from "drizzle-orm";
import type { SourceId } from "../model/kinds.ts";
import type { Db } from "./db.ts";
import { pageRows } from "./page-rows.ts";
import { queryRows } from "./rows.ts";

/** How long a delivery id is remembered: every source's retries and redeliveries come well inside a week. */
export const DELIVERY_MEMORY_MS = 7 * 86_400_000;

/** Whether a webhook delivery was saved in the last week (a retry, a redelivery or a replay of it). */
export async function loadDeliverySeen(db: Db, source: SourceId, deliveryId: string): Promise<boolean> {
  const rows = await queryRows<{ seen: boolean }>(
    db,
    sql`select exists (select 1 from webhook_deliveries
                       where source = ${source} and delivery_id = ${deliveryId}) as seen`,
  );
  return rows[0]?.seen === true;
}

/**
 * Records webhook deliveries inside the transaction that saves them, answering how many were new; rows older
 * than a week go at the same time. Two transactions claiming one id wait for each other, and the second finds
 * it taken; a save that fails takes its claim with it, so the delivery is saved when it comes again.
 */
export async function claimDeliveries(
  db: Db,
  source: SourceId,
  deliveryIds: readonly string[],
  now: Date,
): Promise<number> {
  const ids = [...new Set(deliveryIds)].sort();
  const [, claimed] = await Promise.all([
    pageRows(
      db,
      sql`delete from webhook_deliveries
          where received_at < ${new Date(now.getTime() - DELIVERY_MEMORY_MS).toISOString()}::timestamptz`,
    ),
    pageRows<{ delivery_id: string }>(
      db,
      sql`insert into webhook_deliveries (source, delivery_id, received_at)
          select ${source}, d, ${now.toISOString()}::timestamptz
          from jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb) as d
          on conflict (source, delivery_id) do nothing
          returning delivery_id`,
    ),
  ]);
  return claimed.length;
}
