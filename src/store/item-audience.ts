/**
 * Which items a reader may read (`src/model/audience.ts` is the rule): an item whose audience is null shows
 * to everyone; otherwise to the people its audience or its thread's names (whoever is on any message of an
 * email thread reads all of it). A reader is null (an admin: everything) or the keys naming them: their
 * person's email and every identity's id and addresses, of them and of anyone merged into them.
 */
import { type SQL, sql } from "drizzle-orm";
import { toReadableFlag } from "../model/audience.ts";
import type { Db } from "./db.ts";
import { queryRows } from "./rows.ts";

/** A reader as the store takes it: their keys, or null for an admin. */
export type ItemReader = readonly string[] | null;

const keysArray = (keys: readonly string[]) =>
  sql`array(select jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb))`;

/** Whether the item row `alias` shows to `reader`: a condition for a statement's `where`. */
export function canRead(alias: string, reader: ItemReader): SQL {
  if (reader === null) return sql`true`;
  const i = sql.identifier(alias);
  const keys = keysArray(reader);
  return sql`(${i}.audience is null or ${i}.audience ?| ${keys}
    or (${i}.thread_id is not null and exists (
      select 1 from items mate where mate.source = ${i}.source and mate.thread_id = ${i}.thread_id
        and mate.audience ?| ${keys})))`;
}

/** The keys naming a person (and anyone merged into them), lower-cased: what item audiences are matched on. */
export async function loadReaderKeys(db: Db, personId: string): Promise<string[]> {
  const rows = await queryRows<{ key: string }>(
    db,
    sql`with recursive them(id, depth) as (
          select ${personId}::text, 0
          union all select p.id, them.depth + 1 from people p join them on p.merged_into = them.id
          where them.depth < 20
        ),
        keys(k) as (
          select p.email from people p where p.id in (select id from them)
          union all select i.external_id from identities i where i.person_id in (select id from them)
          union all select i.email from identities i where i.person_id in (select id from them)
          union all select unnest(i.emails) from identities i where i.person_id in (select id from them)
        )
        select distinct lower(k) as key from keys where k is not null and k <> ''`,
  );
  return rows.map((r) => r.key);
}

/** Of `itemIds`, those `reader` may not read (none for an admin). */
export async function loadHiddenItemIds(
  db: Db,
  itemIds: readonly string[],
  reader: ItemReader,
): Promise<Set<string>> {
  if (reader === null || itemIds.length === 0) return new Set();
  const rows = await queryRows<{ id: string }>(
    db,
    sql`select i.id from items i
        where i.id in (select jsonb_array_elements_text(${JSON.stringify([...new Set(itemIds)])}::jsonb))
          and not ${canRead("i", reader)}`,
  );
  return new Set(rows.map((r) => r.id));
}

/**
 * Flags as `reader` may see them (`toReadableFlag`): a flag raised by an item hidden from them keeps its
 * kind and people, with a neutral reason and only the evidence they may read. One query for all of them.
 */
export async function toReadableFlags<F extends { reason: string; evidence: string[] }>(
  db: Db,
  flags: F[],
  reader: ItemReader,
): Promise<F[]> {
  if (reader === null || flags.length === 0) return flags;
  const hidden = await loadHiddenItemIds(
    db,
    flags.flatMap((f) => f.evidence),
    reader,
  );
  if (hidden.size === 0) return flags;
  return flags.map((f) => toReadableFlag(f, (id) => hidden.has(id)));
}

/** A jsonb or json column as one driver parses it and the other answers it (text). */
const toList = (value: unknown): string[] | null => {
  const list: unknown = typeof value === "string" ? JSON.parse(value) : value;
  return Array.isArray(list) ? list.filter((k): k is string => typeof k === "string") : null;
};

/**
 * Who may read each of these items: null when everyone on the team may, else its thread's audience (the
 * union of the audiences of the items of its thread), for the digest's pure composition.
 */
export async function loadItemAudiences(
  db: Db,
  itemIds: readonly string[],
): Promise<Map<string, string[] | null>> {
  if (itemIds.length === 0) return new Map();
  const rows = await queryRows<{ id: string; audience: unknown }>(
    db,
    sql`select i.id, case when i.audience is null then null else (
          select coalesce(jsonb_agg(distinct k.key), '[]'::jsonb)
          from items m cross join lateral jsonb_array_elements_text(m.audience) as k(key)
          where m.id = i.id
             or (i.thread_id is not null and m.source = i.source and m.thread_id = i.thread_id
                 and m.audience is not null)) end as audience
        from items i
        where i.id in (select jsonb_array_elements_text(${JSON.stringify([...new Set(itemIds)])}::jsonb))`,
  );
  return new Map(rows.map((r) => [r.id, r.audience === null ? null : (toList(r.audience) ?? [])]));
}

/**
 * The keys naming every person the store knows (see `loadReaderKeys`), by each address of theirs: how the
 * digest, which knows its recipients by email, finds what each may read.
 */
export async function loadReadersByAddress(db: Db): Promise<Map<string, string[]>> {
  const rows = await queryRows<{ person_id: string; keys: unknown }>(
    db,
    sql`with keys(person_id, k) as (
          select coalesce(p.merged_into, p.id), p.email from people p
          union all select i.person_id, i.external_id from identities i
          union all select i.person_id, i.email from identities i
          union all select i.person_id, unnest(i.emails) from identities i
        )
        select person_id, json_agg(distinct lower(k)) as keys from keys
        where k is not null and k <> '' group by person_id`,
  );
  const byAddress = new Map<string, string[]>();
  for (const r of rows) {
    const keys = toList(r.keys) ?? [];
    for (const key of keys) if (key.includes("@")) byAddress.set(key, keys);
  }
  return byAddress;
}
