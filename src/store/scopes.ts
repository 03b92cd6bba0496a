import { sql } from "drizzle-orm";
import type { SourceId } from "../model/kinds.ts";
import type { Db } from "./db.ts";
import { queryRows } from "./rows.ts";

/** A scope's state: `active`, or why it can no longer be read (`forbidden`, `not_found`). */
export type ScopeStatus = "active" | "forbidden" | "not_found";

/**
 * The ids of a source's scopes, created when first seen. Created in one statement in sorted order, so two
 * databases fed the same scopes number them alike.
 */
export async function saveScopes(
  db: Db,
  source: SourceId,
  scopes: string[],
  now: Date,
): Promise<Map<string, number>> {
  const names = [...new Set(scopes)].sort();
  if (names.length === 0) return new Map();
  const json = JSON.stringify(names);
  await db.execute(sql`
    insert into source_scopes (source, scope, created_at)
    select ${source}, s.scope, ${now.toISOString()}::timestamptz from jsonb_array_elements_text(${json}::jsonb) with ordinality as s(scope, n)
    where not exists (select 1 from source_scopes x where x.source = ${source} and x.scope = s.scope)
    order by s.n
    on conflict (source, scope) do nothing`);
  const rows = await queryRows<{ id: number; scope: string }>(
    db,
    sql`select id, scope from source_scopes
        where source = ${source} and scope in (select jsonb_array_elements_text(${json}::jsonb))`,
  );
  return new Map(rows.map((r) => [r.scope, Number(r.id)]));
}

/** Records that a scope was read to its end. Clears a `forbidden` mark: the token can read it again. */
export async function markScopeRead(db: Db, scopeId: number, now: Date): Promise<void> {
  await db.execute(sql`
    update source_scopes set status = 'active', status_reason = null, last_success_at = ${now.toISOString()}::timestamptz
    where id = ${scopeId}`);
}

/** Marks a scope the token can no longer read, with the reason to show. Its items stay. */
export async function markScopeUnreadable(
  db: Db,
  scopeId: number,
  status: Exclude<ScopeStatus, "active">,
  reason: string,
): Promise<void> {
  await db.execute(sql`
    update source_scopes set status = ${status}, status_reason = ${reason}
    where id = ${scopeId} and (status, status_reason) is distinct from (${status}, ${reason})`);
}

/**
 * Marks the scopes a run that evaluates flags is starting on (see `source_scopes.flags_pending_since`), and
 * returns those that were marked already: a run before died after saving pages of theirs and before
 * evaluating them.
 */
export async function markFlagsPending(db: Db, scopeIds: readonly number[], now: Date): Promise<number[]> {
  if (scopeIds.length === 0) return [];
  const ids = idList(scopeIds);
  const marked = await queryRows<{ id: number }>(
    db,
    sql`select id from source_scopes where id in ${ids} and flags_pending_since is not null order by id`,
  );
  await db.execute(
    sql`update source_scopes set flags_pending_since = ${now.toISOString()}::timestamptz
        where id in ${ids} and flags_pending_since is null`,
  );
  return marked.map((r) => Number(r.id));
}

/** Clears the marks once the flags of what the run saved are evaluated. */
export async function clearFlagsPending(db: Db, scopeIds: readonly number[]): Promise<void> {
  if (scopeIds.length === 0) return;
  await db.execute(sql`update source_scopes set flags_pending_since = null where id in ${idList(scopeIds)}`);
}

const idList = (ids: readonly number[]) =>
  sql`(select value::int from jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`;
