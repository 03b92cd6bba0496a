import { type SQL, sql } from "drizzle-orm";
import type { Flag } from "../model/api-schemas.ts";
import type { FlagKind } from "../model/kinds.ts";
import type { Db } from "./db.ts";
import { isFlagVisible } from "./flag-visibility.ts";
import { survivorOf, toPerson } from "./people-queries.ts";
import { queryRows } from "./rows.ts";
import { isoUtc, jsonList } from "./sql-fragments.ts";

export interface FlagFilter {
  /** Only flags of this kind. */
  kind?: FlagKind;
  /** Only flags of these tasks. */
  taskKeys?: readonly string[];
  /** Only these flags, whatever their state and whether their task still exists (for answering a snooze). */
  ids?: readonly string[];
  now: Date;
}

interface FlagRow {
  id: string;
  kind: FlagKind;
  task_key: string;
  since: string;
  reason: string;
  evidence: string[] | null;
  owner_id: string | null;
  owner_name: string | null;
  owner_email: string | null;
}

/**
 * The flags that show as of `now` (see `flag-visibility.ts`) of tasks that exist and are not deleted, oldest
 * first, owners shown as the survivors of any merge (with `ids`: those flags, as they are). One query,
 * whatever the number of tasks.
 */
export async function loadVisibleFlags(db: Db, filter: FlagFilter): Promise<Flag[]> {
  if (filter.taskKeys?.length === 0 || filter.ids?.length === 0) return [];
  const where: SQL[] = filter.ids
    ? [sql`f.id in ${jsonList(filter.ids)}`]
    : [isFlagVisible("f", filter.now), sql`t.key is not null`];
  if (filter.kind) where.push(sql`f.kind = ${filter.kind}`);
  if (filter.taskKeys) where.push(sql`f.task_key in ${jsonList(filter.taskKeys)}`);
  const rows = await queryRows<FlagRow>(
    db,
    sql`select f.id, f.kind, f.task_key, ${isoUtc(sql`f.since`)} as since, f.reason, f.evidence,
               o.id as owner_id, o.name as owner_name, o.email as owner_email
        from flags f
        left join tasks t on t.key = f.task_key and t.deleted_at is null
        left join lateral ${survivorOf(sql`f.owner_id`)} o on true
        where ${sql.join(where, sql` and `)}
        order by f.since asc, f.id asc`,
  );
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    taskKey: r.task_key,
    since: r.since,
    reason: r.reason,
    evidence: r.evidence ?? [],
    owner: toPerson(r.owner_id, r.owner_name, r.owner_email),
  }));
}
