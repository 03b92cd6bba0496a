import { type SQL, sql } from "drizzle-orm";
import type { Flag } from "../model/api-schemas.ts";
import type { FlagKind } from "../model/kinds.ts";
import type { Db } from "./db.ts";
import { isFlagVisible } from "./flag-visibility.ts";
import { type ItemReader, toReadableFlags } from "./item-audience.ts";
import { peopleOf, survivorOf, toPeople, toPerson } from "./people-queries.ts";
import { queryRows } from "./rows.ts";
import { isoUtc, jsonList } from "./sql-fragments.ts";

export interface FlagFilter {
  /** Only flags of this kind. */
  kind?: FlagKind;
  /** Only flags of these tasks. */
  taskKeys?: readonly string[];
  /** Only these flags, whatever their state and whether their task still exists (for answering a snooze). */
  ids?: readonly string[];
  /**
   * Only flags this person owns or that wait on them: an email matched, ignoring case, against people's own
   * addresses and all their identities' addresses, followed through merges.
   */
  forEmail?: string;
  now: Date;
  /** Who reads: a flag raised by an item hidden from them says so instead of its reason. */
  reader: ItemReader;
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
  /** JSON text of the people the flag waits on, `[{id, name, email}]`, survivors in the order stored. */
  waiting: string | null;
}

/**
 * The ids of the people an address belongs to, as survivors of any merge: everyone whose own email or one of
 * whose identities' addresses it is (merged-away people too: their identities moved, their old email did not).
 */
export const peopleOfEmail = (email: string) => sql`(
  select s.id from people named
  cross join lateral ${survivorOf(sql`named.id`)} s
  where lower(named.email) = lower(${email})
     or exists (
       select 1 from identities i
       where i.person_id = named.id
         and (lower(i.email) = lower(${email})
              or exists (select 1 from unnest(i.emails) e where lower(e) = lower(${email})))))`;

/**
 * The flags that show as of `now` (see `flag-visibility.ts`) of tasks that exist and are not deleted, oldest
 * first, owners and waiting people shown as the survivors of any merge (with `ids`: those flags, as they are).
 * One query, whatever the number of tasks.
 */
export async function loadVisibleFlags(db: Db, filter: FlagFilter): Promise<Flag[]> {
  if (filter.taskKeys?.length === 0 || filter.ids?.length === 0) return [];
  const where: SQL[] = filter.ids
    ? [sql`f.id in ${jsonList(filter.ids)}`]
    : [isFlagVisible("f", filter.now), sql`t.key is not null`];
  if (filter.kind) where.push(sql`f.kind = ${filter.kind}`);
  if (filter.taskKeys) where.push(sql`f.task_key in ${jsonList(filter.taskKeys)}`);
  if (filter.forEmail !== undefined) {
    const wanted = peopleOfEmail(filter.forEmail);
    where.push(sql`(o.id in ${wanted} or exists (
      select 1 from unnest(f.waiting_on) as asked(person_id)
      cross join lateral ${survivorOf(sql`asked.person_id`)} s
      where s.id in ${wanted}))`);
  }
  const rows = await queryRows<FlagRow>(
    db,
    sql`select f.id, f.kind, f.task_key, ${isoUtc(sql`f.since`)} as since, f.reason, f.evidence,
               o.id as owner_id, o.name as owner_name, o.email as owner_email, w.waiting
        from flags f
        left join tasks t on t.key = f.task_key and t.deleted_at is null
        left join lateral ${survivorOf(sql`f.owner_id`)} o on true
        left join lateral ${peopleOf(sql`f.waiting_on`)} w on true
        where ${sql.join(where, sql` and `)}
        order by f.since asc, f.id asc`,
  );
  const flags = rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    taskKey: r.task_key,
    since: r.since,
    reason: r.reason,
    evidence: r.evidence ?? [],
    owner: toPerson(r.owner_id, r.owner_name, r.owner_email),
    waitingOn: toPeople(r.waiting),
  }));
  return toReadableFlags(db, flags, filter.reader);
}
