import { and, eq, sql } from "drizzle-orm";
import { sourceSubscriptions } from "../../schema/sources.ts";
import type { SourceId } from "../model/kinds.ts";
import type { Db } from "./db.ts";

/** A scope's push subscription as stored: null id while none could be made. */
export interface StoredSubscription {
  source: string;
  scope: string;
  subscriptionId: string | null;
  expiresAt: Date | null;
  lastError: string | null;
  updatedAt: Date;
}

/** Every stored subscription of a source. */
export async function loadSubscriptions(db: Db, source: SourceId): Promise<StoredSubscription[]> {
  return db
    .select({
      source: sourceSubscriptions.source,
      scope: sourceSubscriptions.scope,
      subscriptionId: sourceSubscriptions.subscriptionId,
      expiresAt: sourceSubscriptions.expiresAt,
      lastError: sourceSubscriptions.lastError,
      updatedAt: sourceSubscriptions.updatedAt,
    })
    .from(sourceSubscriptions)
    .where(eq(sourceSubscriptions.source, source));
}

/** Records a scope's live subscription (a new one replaces the old id). */
export async function saveSubscription(
  db: Db,
  row: { source: SourceId; scope: string; subscriptionId: string; expiresAt: Date; now: Date },
): Promise<void> {
  // A subscription id is unique: one that moved to this scope leaves any other row first.
  await db
    .update(sourceSubscriptions)
    .set({ subscriptionId: null, expiresAt: null, updatedAt: row.now })
    .where(
      and(
        eq(sourceSubscriptions.subscriptionId, row.subscriptionId),
        sql`(${sourceSubscriptions.source}, ${sourceSubscriptions.scope}) <> (${row.source}, ${row.scope})`,
      ),
    );
  await db
    .insert(sourceSubscriptions)
    .values({
      source: row.source,
      scope: row.scope,
      subscriptionId: row.subscriptionId,
      expiresAt: row.expiresAt,
      lastError: null,
      createdAt: row.now,
      updatedAt: row.now,
    })
    .onConflictDoUpdate({
      target: [sourceSubscriptions.source, sourceSubscriptions.scope],
      set: {
        subscriptionId: row.subscriptionId,
        expiresAt: row.expiresAt,
        lastError: null,
        updatedAt: row.now,
      },
    });
}

/** Records why a scope has no working subscription; `forget` drops the id Graph no longer knows. */
export async function saveSubscriptionError(
  db: Db,
  row: { source: SourceId; scope: string; error: string; forget: boolean; now: Date },
): Promise<void> {
  const cleared = row.forget ? { subscriptionId: null, expiresAt: null } : {};
  await db
    .insert(sourceSubscriptions)
    .values({
      source: row.source,
      scope: row.scope,
      lastError: row.error,
      createdAt: row.now,
      updatedAt: row.now,
    })
    .onConflictDoUpdate({
      target: [sourceSubscriptions.source, sourceSubscriptions.scope],
      set: { lastError: row.error, updatedAt: row.now, ...cleared },
    });
}
