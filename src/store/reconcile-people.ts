import { sql } from "drizzle-orm";
import type { PeopleFileEntry } from "../model/people-file.ts";
import type { Db } from "./db.ts";
import { refreshPeople, toPersonId } from "./identity.ts";
import { mergePeople } from "./people-merge.ts";
import { queryRows } from "./rows.ts";

export interface ReconcilePeopleInput {
  /** The people file (`[]` when there is none). */
  people: readonly PeopleFileEntry[];
  now: Date;
}

/**
 * Joins the people the sources and the people file say are one, with `mergePeople`: first each people-file
 * entry's accounts into the person holding its email (created when nobody does), then every person one of
 * whose identities vouches for the email another person holds (an address a source told us later than the
 * identity arrived). Never by a name. One query per step finds what differs, so a run that changes nothing
 * costs two reads. Returns the tasks whose people changed: their flags are evaluated again.
 */
export async function reconcilePeople(db: Db, input: ReconcilePeopleInput): Promise<string[]> {
  const taskKeys = new Set<string>();
  const targets = new Set<string>();
  const merge = async (from: string, into: string) => {
    const result = await mergePeople(db, { from, into, now: input.now });
    // Invalid: a concurrent run merged one of them meanwhile; the next run sees the new state.
    if (result.status !== "merged") return false;
    for (const key of result.taskKeys) taskKeys.add(key);
    targets.add(into);
    return true;
  };
  if (input.people.length > 0) await applyPeopleFile(db, input, merge);
  await joinByLaterEmail(db, input.people, merge);
  if (targets.size > 0) await refreshPeople(db, [...targets].sort(), input.now);
  return [...taskKeys].sort();
}

type Merge = (from: string, into: string) => Promise<boolean>;

const entryRows = (people: readonly PeopleFileEntry[]) =>
  JSON.stringify(
    people.map((p, idx) => ({
      idx,
      email: p.email.toLowerCase(),
      github: p.github ?? null,
      slack: p.slack ?? null,
      jira: p.jira ?? null,
      teams: p.teams ?? null,
      emails: (p.emails ?? []).map((e) => e.toLowerCase()),
    })),
  );

/**
 * Each entry's person is the live person holding its email, else the survivor of the person that email
 * would have started as, else a new one; every person one of the entry's accounts or addresses belongs to
 * is merged into it. A person holding another entry's email is never merged: two lines are two people.
 */
async function applyPeopleFile(db: Db, input: ReconcilePeopleInput, merge: Merge): Promise<void> {
  const rows = await queryRows<{ idx: number; holder: string | null; member: string | null }>(
    db,
    sql`with e as (
          select x.idx, x.email, x.github, x.slack, x.jira, x.teams,
                 array(select jsonb_array_elements_text(x.emails)) || x.email as mails
          from jsonb_to_recordset(${entryRows(input.people)}::jsonb)
            as x(idx int, email text, github text, slack text, jira text, teams text, emails jsonb)
        ),
        h as (
          select e.idx, (select p.id from people p where p.merged_into is null and lower(p.email) = e.email) as holder
          from e
        ),
        m as (
          select e.idx, i.person_id as member
          from e join identities i on
               (i.source = 'github' and e.github is not null
                 and (i.external_id = e.github or i.handle = lower(e.github) or lower(i.external_id) = lower(e.github)))
            or (i.source = 'slack' and i.external_id = e.slack)
            or (i.source = 'jira' and i.external_id = e.jira)
            or (i.source = 'teams' and lower(i.external_id) = lower(e.teams))
            or lower(i.email) = any(e.mails)
            or exists (select 1 from unnest(i.emails) v where lower(v) = any(e.mails))
          union
          select e.idx, p.id from e join people p on p.merged_into is null and lower(p.email) = any(e.mails)
        )
        select h.idx, h.holder, m.member
        from h left join m on m.idx = h.idx
        where h.holder is null or (m.member is not null and m.member <> h.holder)
        order by h.idx, m.member`,
  );
  if (rows.length === 0) return;
  // Every entry's email holder, to leave them alone as another entry's accounts.
  const holders = await queryRows<{ id: string }>(
    db,
    sql`select p.id from people p
        where p.merged_into is null
          and lower(p.email) in (select jsonb_array_elements_text(${JSON.stringify(input.people.map((p) => p.email.toLowerCase()))}::jsonb))`,
  );
  const declared = new Set(holders.map((r) => r.id));
  const byEntry = new Map<number, { holder: string | null; members: string[] }>();
  for (const row of rows) {
    const entry = byEntry.get(row.idx) ?? { holder: row.holder, members: [] };
    if (row.member !== null) entry.members.push(row.member);
    byEntry.set(row.idx, entry);
  }
  for (const [idx, { holder, members }] of byEntry) {
    const person = input.people[idx]!;
    const target = holder ?? (await personFor(db, person.email.trim().toLowerCase(), members, input.now));
    for (const member of members) {
      if (member === target || (declared.has(member) && member !== holder)) continue;
      await merge(member, target);
    }
  }
}

/**
 * The person an entry whose email nobody holds lands on: the survivor of the id the email hashes to (a
 * person once created for it and merged by hand since), else a new person with that id, named after the
 * accounts it is about to receive.
 */
async function personFor(db: Db, email: string, members: readonly string[], now: Date): Promise<string> {
  const id = toPersonId({ source: "people", externalId: email, email });
  const at = now.toISOString();
  await queryRows(
    db,
    sql`insert into people (id, name, email, is_bot, created_at, updated_at)
        select ${id}, coalesce(
                 (select coalesce(i.display_name, i.email, i.external_id) from identities i
                  where i.person_id in (select jsonb_array_elements_text(${JSON.stringify(members)}::jsonb))
                  order by i.display_name is null, i.display_name like '%@%', i.source, i.external_id limit 1),
                 ${email}),
               ${email}, false, ${at}::timestamptz, ${at}::timestamptz
        on conflict do nothing`,
  );
  const rows = await queryRows<{ id: string }>(
    db,
    sql`with recursive chain(id, next, depth) as (
          select p.id, p.merged_into, 0 from people p where p.id = ${id}
          union all
          select p.id, p.merged_into, c.depth + 1 from chain c join people p on p.id = c.next where c.depth < 32
        )
        select id from chain order by depth desc limit 1`,
  );
  // A live person took the email meanwhile (the insert then did nothing for the unique email): theirs.
  const holder = await queryRows<{ id: string }>(
    db,
    sql`select id from people where merged_into is null and lower(email) = ${email}`,
  );
  return holder[0]?.id ?? rows[0]?.id ?? id;
}

/**
 * An identity that vouches for an email (its own, or one of `identities.emails`) held by another live
 * person: its person is merged into that holder (or the holder into it, when its person is a people-file
 * entry's). Pairs in id order, each resolved through the merges made before it, so the outcome does not
 * depend on the order rows come in. Two people-file entries' people stay two.
 */
async function joinByLaterEmail(db: Db, people: readonly PeopleFileEntry[], merge: Merge): Promise<void> {
  const declared = JSON.stringify(people.map((p) => p.email.toLowerCase()));
  const rows = await queryRows<{ from_id: string; into_id: string; from_declared: boolean }>(
    db,
    // Each address an identity carries, joined to its holder by equality on lower(email) (the index people's
    // emails have), so the cost grows with the number of addresses, not with identities times people.
    sql`with d(email) as (select jsonb_array_elements_text(${declared}::jsonb)),
        a as (
          select i.person_id, lower(v) as email
          from identities i cross join lateral unnest(array_append(i.emails, i.email)) v
          where v is not null and (i.email is not null or cardinality(i.emails) > 0)
        )
        select distinct ip.id as from_id, h.id as into_id,
               coalesce(lower(ip.email) in (select email from d), false) as from_declared
        from a
        join people h on lower(h.email) = a.email and h.merged_into is null and h.email is not null
        join people ip on ip.id = a.person_id and ip.merged_into is null and ip.id <> h.id
        where not (lower(coalesce(ip.email, '')) in (select email from d)
                   and lower(h.email) in (select email from d))
        order by 1, 2`,
  );
  const survivor = new Map<string, string>();
  const resolve = (id: string): string => {
    let at = id;
    for (let next = survivor.get(at); next !== undefined; next = survivor.get(at)) at = next;
    return at;
  };
  for (const row of rows) {
    // A people-file entry's person survives: the file names them by that email.
    const [a, b] = row.from_declared ? [row.into_id, row.from_id] : [row.from_id, row.into_id];
    const from = resolve(a);
    const into = resolve(b);
    if (from === into) continue;
    if (await merge(from, into)) survivor.set(from, into);
  }
}
