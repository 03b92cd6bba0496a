import { and, eq, isNull, lt, lte, or, sql } from "drizzle-orm";
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
        creatingSince: null,
        updatedAt: row.now,
      },
    });
}

/**
 * Claims the creation of a scope's subscription for `leaseMs`: false when another process claimed it within
 * that time (it is creating one now), or when the scope holds a live subscription other than `replacing` (one
 * was made meanwhile). The update takes the row's lock, so of two claims at once one wins.
 */
export async function claimSubscriptionCreation(
  db: Db,
  row: { source: SourceId; scope: string; now: Date; leaseMs: number; replacing: string | null },
): Promise<boolean> {
  await db
    .insert(sourceSubscriptions)
    .values({ source: row.source, scope: row.scope, createdAt: row.now, updatedAt: row.now })
    .onConflictDoNothing();
  const claimed = await db
    .update(sourceSubscriptions)
    .set({ creatingSince: row.now })
    .where(
      and(
        eq(sourceSubscriptions.source, row.source),
        eq(sourceSubscriptions.scope, row.scope),
        or(
          isNull(sourceSubscriptions.creatingSince),
          lt(sourceSubscriptions.creatingSince, new Date(row.now.getTime() - row.leaseMs)),
        ),
        or(
          isNull(sourceSubscriptions.subscriptionId),
          lte(sourceSubscriptions.expiresAt, row.now),
          ...(row.replacing ? [eq(sourceSubscriptions.subscriptionId, row.replacing)] : []),
        ),
      ),
    )
    .returning({ scope: sourceSubscriptions.scope });
  return claimed.length > 0;
}

/** Records why a scope has no working subscription; `forget` drops the id Graph no longer knows. */
export async function saveSubscriptionError(
  db: Db,
  row: { source: SourceId; scope: string; error: string; forget: boolean; now: Date },
): Promise<void> {
  const cleared = row.forget ? { subscriptionId: null, expiresAt: null, creatingSince: null } : {};
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
