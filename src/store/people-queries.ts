import { type SQL, sql } from "drizzle-orm";
import type { Person } from "../model/api-schemas.ts";
import type { Db } from "./db.ts";
import { queryRows } from "./rows.ts";

/** Longest chain of merges followed; a longer (or circular) one stops at the last person reached. */
export const MAX_MERGE_DEPTH = 32;

/**
 * A lateral subquery answering `(id, name, email)` of the person `personId` names, following `merged_into`
 * to the survivor: use as `left join lateral ${survivorOf(sql`t.assignee_id`)} a on true`. One primary-key
 * lookup per link of the chain, so it costs next to nothing per row of a page. `personId` must not name a
 * column through an alias `p` or `c`: inside, those are the subquery's own.
 */
export const survivorOf = (personId: SQL) => sql`(
  with recursive chain(id, name, email, merged_into, depth) as (
    select p.id, p.name, p.email, p.merged_into, 0 from people p where p.id = ${personId}
    union all
    select p.id, p.name, p.email, p.merged_into, c.depth + 1
    from chain c join people p on p.id = c.merged_into
    where c.depth < ${sql.raw(String(MAX_MERGE_DEPTH))}
  )
  select id, name, email from chain order by depth desc limit 1
)`;

/**
 * A lateral subquery answering `waiting`: the people of a text[] column of person ids (`f.waiting_on`), each the
 * survivor of any merge, in the column's order, as JSON text `[{id, name, email}]` (null for none); read it
 * with `toPeople`. Use as `left join lateral ${peopleOf(sql`f.waiting_on`)} w on true`.
 */
export const peopleOf = (personIds: SQL) => sql`(
  select json_agg(json_build_object('id', s.id, 'name', s.name, 'email', s.email) order by w.n)::text as waiting
  from unnest(${personIds}) with ordinality as w(person_id, n)
  cross join lateral ${survivorOf(sql`w.person_id`)} s)`;

/** The people `peopleOf` answered, each once (two ids merged into one survivor name them once), in order. */
export function toPeople(json: string | null): Person[] {
  const seen = new Set<string>();
  const people: Person[] = [];
  for (const p of (json ? JSON.parse(json) : []) as Person[]) {
    if (seen.has(p.id)) continue;
    seen.add(p.id);
    people.push({ id: p.id, name: p.name, email: p.email ?? null });
  }
  return people;
}

/** The person of three columns a `survivorOf` join selected, or null when the row names nobody. */
export function toPerson(id: unknown, name: unknown, email: unknown): Person | null {
  if (typeof id !== "string" || typeof name !== "string") return null;
  return { id, name, email: typeof email === "string" ? email : null };
}

/** A person as the API shows them: the survivor of any merge. Null for an unknown id. */
export async function loadPerson(db: Db, personId: string): Promise<Person | null> {
  const rows = await queryRows<{ id: string; name: string; email: string | null }>(
    db,
    sql`select s.id, s.name, s.email from ${survivorOf(sql`${personId}`)} s`,
  );
  const row = rows[0];
  return row ? toPerson(row.id, row.name, row.email) : null;
}
