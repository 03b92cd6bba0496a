import { sql } from "drizzle-orm";
import { sourceScopes, sourceStates, sourceSubscriptions } from "../../schema/index.ts";
import type { SourceId } from "../model/kinds.ts";
import type { ScopeStateRow, SourceStateRow } from "../model/source-status.ts";
import type { Db } from "./db.ts";

/** What a pass ending on one scope records: the items it read, and the error it stopped on (null: none). */
export interface ScopePassEnd {
  at: Date;
  itemsSeen: number;
  error: { message: string; kind: string; retryAt: Date | null } | null;
}

/**
 * Records how the last pass ended on a scope. A pass read to its end also clears an error and a rate limit
 * left by the pass before; `last_success_at` is `markScopeRead`'s.
 */
export async function saveScopePassEnd(db: Db, scopeId: number, end: ScopePassEnd): Promise<void> {
  await db
    .update(sourceScopes)
    .set({
      lastPassAt: end.at,
      itemsSeen: end.itemsSeen,
      lastError: end.error?.message ?? null,
      lastErrorKind: end.error?.kind ?? null,
      rateLimitedUntil: end.error?.kind === "rate_limit" ? end.error.retryAt : null,
    })
    .where(sql`${sourceScopes.id} = ${scopeId}`);
}

/** What a pass over a source as a whole records. */
export interface SourcePassEnd {
  at: Date;
  /** Every scope read to its end. */
  ok: boolean;
  /** A failure of the whole source (the token, the API root), or null. */
  error: { message: string; kind: string } | null;
  /** When the caller's schedule runs the next pass; undefined leaves what is stored. */
  nextRunAt?: Date | null;
}

export async function saveSourcePassEnd(db: Db, source: SourceId, end: SourcePassEnd): Promise<void> {
  const values = {
    lastPassAt: end.at,
    lastError: end.error?.message ?? null,
    lastErrorKind: end.error?.kind ?? null,
    ...(end.ok ? { lastSuccessAt: end.at } : {}),
    ...(end.nextRunAt !== undefined ? { nextRunAt: end.nextRunAt } : {}),
  };
  await db
    .insert(sourceStates)
    .values({ source, ...values })
    .onConflictDoUpdate({ target: sourceStates.source, set: values });
}

/** Records when a push whose signature was verified arrived. */
export async function saveVerifiedDelivery(db: Db, source: SourceId, at: Date): Promise<void> {
  await db
    .insert(sourceStates)
    .values({ source, lastDeliveryAt: at })
    .onConflictDoUpdate({ target: sourceStates.source, set: { lastDeliveryAt: at } });
}

/** Every source's and every scope's stored state, for `threadline status` and `GET /api/sources`. */
export async function loadSourceStates(
  db: Db,
): Promise<{ sources: SourceStateRow[]; scopes: ScopeStateRow[] }> {
  const sources = await db.select().from(sourceStates).orderBy(sourceStates.source);
  const scopes = await db
    .select({
      source: sourceScopes.source,
      scope: sourceScopes.scope,
      status: sourceScopes.status,
      statusReason: sourceScopes.statusReason,
      lastSuccessAt: sourceScopes.lastSuccessAt,
      lastPassAt: sourceScopes.lastPassAt,
      lastError: sourceScopes.lastError,
      lastErrorKind: sourceScopes.lastErrorKind,
      rateLimitedUntil: sourceScopes.rateLimitedUntil,
      itemsSeen: sourceScopes.itemsSeen,
      // The subscription manager's own record of the scope's push subscription (src/sync/subscriptions.ts).
      subscriptionId: sourceSubscriptions.subscriptionId,
      subscriptionState: sql<string | null>`case
        when ${sourceSubscriptions.source} is null then null
        when ${sourceSubscriptions.lastError} is not null then 'failing'
        when ${sourceSubscriptions.subscriptionId} is null then 'creating'
        else 'active' end`,
      subscriptionExpiresAt: sourceSubscriptions.expiresAt,
    })
    .from(sourceScopes)
    .leftJoin(
      sourceSubscriptions,
      sql`${sourceSubscriptions.source} = ${sourceScopes.source} and ${sourceSubscriptions.scope} = ${sourceScopes.scope}`,
    )
    .orderBy(sourceScopes.source, sourceScopes.scope);
  return { sources, scopes };
}
