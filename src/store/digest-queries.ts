/**
 * What the nightly digest is composed from (see `loadDigestInput`): the flags that show with their owners and
 * the people they wait on,
 * the flags resolved in a span, the flagged tasks with their assignees, the evidence items' links and the
 * people who may get a digest. People are the survivors of any merge.
 */
import { type SQL, sql } from "drizzle-orm";
import type { FlagKind, SourceId } from "../model/kinds.ts";
import type { Db } from "./db.ts";
import { isFlagVisible } from "./flag-visibility.ts";
import { peopleOf, survivorOf } from "./people-queries.ts";
import { queryRows } from "./rows.ts";

/** Times travel as epoch milliseconds: both drivers read a float8 as a number, whatever the session zone. */
const ms = (column: string) => sql.raw(`(extract(epoch from ${column}) * 1000)::float8`);
const texts = (values: readonly string[]) => sql`${sql.param([...values])}::text[]`;
const time = (d: Date) => sql`${d.toISOString()}::timestamptz`;

export interface DigestFlagRow {
  id: string;
  kind: FlagKind;
  fingerprint: string;
  task_key: string;
  /** Epoch milliseconds. */
  since: number;
  reason: string;
  /** Every signal's reason, the leading one first. */
  reasons: string[] | null;
  evidence: string[] | null;
  owner_id: string | null;
  owner_name: string | null;
  owner_email: string | null;
  /** The people the flag waits on, survivors of any merge: JSON text for `toPeople`. */
  waiting: string | null;
  /** Every address of the owner and of those it waits on: JSON text for `toAddressBook`. */
  addresses: string | null;
}

/**
 * Each of these people's addresses as their identities vouch for them (`{personId: [address]}`, survivors of
 * any merge: identities follow a merge to the survivor), for a digest that goes to the team's address of a
 * person whose own is a personal one.
 */
const addressBook = (personIds: SQL) => sql`(
  select json_object_agg(s.id, coalesce(
           (select json_agg(distinct lower(a)) from identities i
              cross join lateral unnest(array_append(i.emails, i.email)) a
            where i.person_id = s.id and a is not null),
           '[]'::json))::text
  from unnest(${personIds}) u(person_id)
  cross join lateral ${survivorOf(sql`u.person_id`)} s
  where u.person_id is not null)`;

/** The addresses `addressBook` answered, by person id. */
export function toAddressBook(json: string | null): Map<string, string[]> {
  const parsed = (json ? JSON.parse(json) : {}) as Record<string, unknown>;
  const book = new Map<string, string[]>();
  for (const [id, list] of Object.entries(parsed ?? {})) {
    if (Array.isArray(list))
      book.set(
        id,
        list.filter((a): a is string => typeof a === "string"),
      );
  }
  return book;
}

/** The flags that show as of `now` (see `flag-visibility.ts`) of tasks not deleted, oldest first. */
export async function loadDigestFlags(db: Db, now: Date): Promise<DigestFlagRow[]> {
  return queryRows<DigestFlagRow>(
    db,
    sql`select f.id, f.kind, f.fingerprint, f.task_key, ${ms("f.since")} as since, f.reason, f.reasons, f.evidence,
               o.id as owner_id, o.name as owner_name, o.email as owner_email, w.waiting,
               ${addressBook(sql`array_append(f.waiting_on, f.owner_id)`)} as addresses
        from flags f
        join tasks t on t.key = f.task_key and t.deleted_at is null
        left join lateral ${survivorOf(sql`f.owner_id`)} o on true
        left join lateral ${peopleOf(sql`f.waiting_on`)} w on true
        where ${isFlagVisible("f", now)}
        order by f.since asc, f.id asc`,
  );
}

export interface ResolvedFlagRow {
  id: string;
  kind: FlagKind;
  task_key: string;
  title: string;
  reason: string;
  evidence: string[] | null;
  /** Epoch milliseconds. */
  resolved_at: number;
}

/** The flags resolved from `since` to `until` (both included), in the order they were resolved. */
export async function loadResolvedFlags(db: Db, since: Date, until: Date): Promise<ResolvedFlagRow[]> {
  return queryRows<ResolvedFlagRow>(
    db,
    sql`select f.id, f.kind, f.task_key, t.title, f.reason, f.evidence, ${ms("f.resolved_at")} as resolved_at
        from flags f join tasks t on t.key = f.task_key
        where f.state = 'resolved' and f.resolved_at >= ${time(since)} and f.resolved_at <= ${time(until)}
        order by f.resolved_at, f.id`,
  );
}

export interface DigestTaskRow {
  key: string;
  title: string;
  status: string;
  source: SourceId;
  url: string;
  a_id: string | null;
  a_name: string | null;
  a_email: string | null;
  /** The assignee's addresses: JSON text for `toAddressBook`. */
  addresses: string | null;
}

/** These tasks (deleted ones too) with their assignees. */
export async function loadDigestTasks(db: Db, taskKeys: readonly string[]): Promise<DigestTaskRow[]> {
  if (taskKeys.length === 0) return [];
  return queryRows<DigestTaskRow>(
    db,
    sql`select t.key, t.title, t.status, t.source, t.url, a.id as a_id, a.name as a_name, a.email as a_email,
               ${addressBook(sql`array[t.assignee_id]`)} as addresses
        from tasks t left join lateral ${survivorOf(sql`t.assignee_id`)} a on true
        where t.key = any(${texts(taskKeys)})`,
  );
}

/** The links of these items that are not deleted. */
export async function loadItemUrls(
  db: Db,
  itemIds: readonly string[],
): Promise<Array<{ id: string; url: string | null }>> {
  if (itemIds.length === 0) return [];
  return queryRows(
    db,
    sql`select id, url from items where id = any(${texts(itemIds)}) and deleted_at is null`,
  );
}

/** Everyone who may get a digest: people not merged away and not bots, with an email; by id. */
export async function loadPeopleWithEmail(
  db: Db,
): Promise<Array<{ id: string; name: string; email: string }>> {
  return queryRows(
    db,
    sql`select id, name, email from people where merged_into is null and email is not null and not is_bot order by id`,
  );
}
