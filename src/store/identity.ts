import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Identity, IdentityRef } from "../../connectors/types.ts";
import type { Db } from "./db.ts";
import { pageRows } from "./page-rows.ts";
import { arrayParam } from "./sql-arrays.ts";

/** `source:externalId`: how an identity is named in maps. */
export const identityKey = (ref: IdentityRef): string => `${ref.source}:${ref.externalId}`;

const shortHash = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 16);

/**
 * The person an identity starts with when nobody has merged anyone: one per email address (case-insensitive),
 * else one per identity. Deterministic, so two databases fed the same pages hold the same ids.
 */
export function toPersonId(identity: IdentityRef & { email: string | null }): string {
  const email = identity.email?.trim().toLowerCase();
  return `p_${shortHash(email ? `email:${email}` : `identity:${identityKey(identity)}`)}`;
}

const lower = (email: string | null | undefined) => email?.trim().toLowerCase() || null;

/**
 * The further addresses of an identity as stored: lower-cased, each once, sorted (so an unchanged set compares
 * equal), without the one in `email`.
 */
export function toStoredEmails(
  email: string | null,
  emails: readonly (string | null | undefined)[],
): string[] {
  const main = lower(email);
  const set = new Set<string>();
  for (const e of emails) {
    const l = lower(e);
    if (l && l !== main) set.add(l);
  }
  return [...set].sort();
}

/**
 * Whether merging `next` into `prev` (as `mergeIdentities` does) would give `prev` again: every field of `next`
 * absent or equal, no further address, the same guest and bot marks, and no other raw object (the fields
 * read of a merged identity are these).
 */
function addsNothing(prev: Identity, next: Identity): boolean {
  return (
    (next.email === null || next.email === prev.email) &&
    (next.displayName === null || next.displayName === prev.displayName) &&
    (next.handle == null || lower(next.handle) === prev.handle) &&
    (next.emails === undefined || next.emails.length === 0) &&
    next.isGuest === prev.isGuest &&
    next.isBot === prev.isBot &&
    (next.raw === undefined || next.raw === prev.raw)
  );
}

/**
 * One identity per key; later records fill what earlier ones lacked. Addresses add up: an `email` a later
 * record replaces stays among `emails`.
 */
function mergeIdentities(identities: readonly Identity[]): Map<string, Identity> {
  const byKey = new Map<string, Identity>();
  for (const next of identities) {
    const key = identityKey(next);
    const prev = byKey.get(key);
    // A page names the same accounts over and over: a record that adds nothing leaves the merged one as it is.
    if (prev && addsNothing(prev, next)) continue;
    const email = next.email ?? prev?.email ?? null;
    byKey.set(key, {
      ...next,
      displayName: next.displayName ?? prev?.displayName ?? null,
      email,
      handle: lower(next.handle ?? prev?.handle) ?? null,
      emails: toStoredEmails(email, [...(prev?.emails ?? []), prev?.email, ...(next.emails ?? [])]),
      raw: next.raw ?? prev?.raw,
    });
  }
  return byKey;
}

/**
 * The further addresses after an update of identity row `i` with `k` (text[] `emails`): what was stored, what
 * arrives, and the stored `email` when `k` replaces it; never the `email` kept. Sorted, as `toStoredEmails`.
 */
const mergedEmails = (i: string, k: string) =>
  sql.raw(`array(select distinct e from unnest(${i}.emails || coalesce(${k}.emails, '{}'::text[])
             || case when ${k}.email is not null and ${i}.email is not null then array[lower(${i}.email)]
                     else '{}'::text[] end) as e
           where e <> coalesce(lower(coalesce(${k}.email, ${i}.email)), '') order by e)`);

/**
 * Saves the identities a page names and returns the person of each (`identityKey` → person id), for every
 * identity given and every ref (an author named only by id gets a bare identity of its own).
 *
 * A new identity joins the person of the identity its handle was the key of before its source keyed accounts
 * by a stable id (see `legacyPersonsOf`), else the person who holds its email (someone a person merged by hand
 * keeps their survivor), else the person its id hashes to. Its further `emails` join it to whoever holds them
 * only after the pass (`reconcilePeople`): joined here, the person who survives would depend on which source's
 * page came first, and two runs over the same data would name people differently. An existing identity's
 * person is never changed here: people are merged by hand, and a later sync must not undo that. Display names
 * and emails are updated; a person's name is recomputed from all its identities in a fixed order, so it does
 * not depend on which source came first.
 */
export async function saveIdentities(
  db: Db,
  identities: readonly Identity[],
  refs: readonly IdentityRef[],
  now: Date,
): Promise<Map<string, string>> {
  const full = mergeIdentities(identities);
  const bare = new Map<string, IdentityRef>();
  for (const ref of refs) {
    const key = identityKey(ref);
    if (!full.has(key)) bare.set(key, { source: ref.source, externalId: ref.externalId });
  }
  const keys = [...full.keys(), ...bare.keys()];
  const persons = new Map<string, string>();
  if (keys.length === 0) return persons;

  // Which identities exist, with their person, and whether this page changes them: only new and changed
  // ones are written (ON CONFLICT locks the row it meets even when it updates nothing, and every page names
  // the same people, so concurrent pages would queue behind each other).
  const all: IdentityRef[] = [...full.values(), ...bare.values()];
  const probe = all.map((r) => full.get(identityKey(r)));
  const column = (value: (r: IdentityRef, identity: Identity | undefined) => string | null) =>
    arrayParam(all.map((r, n) => value(r, probe[n])));
  const flag = (on: boolean) => (on ? "t" : "f");
  const existing = await pageRows<{ source: string; external_id: string; person_id: string; same: boolean }>(
    db,
    sql`select i.source, i.external_id, i.person_id,
               k.bare or (i.display_name, i.email, i.handle, i.emails, i.is_guest, i.is_bot, i.raw) is not distinct from
                 (coalesce(k.display_name, i.display_name), coalesce(k.email, i.email), coalesce(k.handle, i.handle),
                  ${mergedEmails("i", "k")}, k.is_guest, k.is_bot, coalesce(k.raw, i.raw)) as same
        from (select u.*, array(select jsonb_array_elements_text(u.emails_json)) as emails
              from unnest(${column((r) => r.source)}::text[], ${column((r) => r.externalId)}::text[],
                    ${column((_, i) => i?.displayName ?? null)}::text[], ${column((_, i) => i?.email ?? null)}::text[],
                    ${column((_, i) => i?.handle ?? null)}::text[],
                    ${column((_, i) => JSON.stringify(i?.emails ?? []))}::jsonb[],
                    ${column((_, i) => flag(i?.isGuest ?? false))}::boolean[],
                    ${column((_, i) => flag(i?.isBot ?? false))}::boolean[],
                    ${column((_, i) => (i?.raw === undefined || i.raw === null ? null : JSON.stringify(i.raw)))}::jsonb[],
                    ${column((_, i) => flag(i === undefined))}::boolean[])
                as u(source, external_id, display_name, email, handle, emails_json, is_guest, is_bot, raw, bare)) k
        join identities i on i.source = k.source and i.external_id = k.external_id`,
  );
  const unchanged = new Set<string>();
  const known = new Set<string>();
  for (const row of existing) {
    const key = `${row.source}:${row.external_id}`;
    known.add(key);
    persons.set(key, row.person_id);
    if (row.same) unchanged.add(key);
  }

  // New identities: find or create their person.
  const fresh = all.filter((r) => !persons.has(identityKey(r)));
  if (fresh.length > 0) {
    const emailOf = (r: IdentityRef) => lower(full.get(identityKey(r))?.email);
    const emails = [...new Set(fresh.map(emailOf).filter((e): e is string => e !== null))];
    const holders = await holdersOf(db, emails);
    const legacy = await legacyPersonsOf(
      db,
      fresh.flatMap((r) => {
        const handle = full.get(identityKey(r))?.handle;
        return handle ? [{ source: r.source, handle }] : [];
      }),
    );
    const wanted = new Map<string, string>(); // identity key → person id before following merges
    for (const r of fresh) {
      const handle = full.get(identityKey(r))?.handle;
      const email = emailOf(r);
      const held = email !== null && holders.has(email) ? email : undefined;
      wanted.set(
        identityKey(r),
        (handle && legacy.get(`${r.source}:${handle}`)) ||
          (held && holders.get(held)) ||
          toPersonId({ ...r, email: emailOf(r) }),
      );
    }
    // A person merged by hand keeps receiving what was theirs: follow merged_into to the survivor.
    const ids = [...new Set(wanted.values())];
    const resolved = new Map<string, string>();
    const rows = await pageRows<{ id: string; final: string }>(
      db,
      sql`with recursive chain(id, cur, depth) as (
            select p.id, p.id, 0 from people p where p.id in (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))
            union all
            select c.id, p.merged_into, c.depth + 1 from chain c join people p on p.id = c.cur
            where p.merged_into is not null and c.depth < 20
          )
          select distinct on (id) id, cur as final from chain order by id, depth desc`,
    );
    for (const row of rows) resolved.set(row.id, row.final);
    const newPeople = new Map<string, { id: string; name: string; email: string | null; is_bot: boolean }>();
    for (const r of fresh) {
      const want = wanted.get(identityKey(r))!;
      const id = resolved.get(want) ?? want;
      persons.set(identityKey(r), id);
      if (!resolved.has(want) && !newPeople.has(id)) {
        const identity = full.get(identityKey(r));
        const email = emailOf(r);
        newPeople.set(id, {
          id,
          name: identity?.displayName ?? identity?.handle ?? identity?.email ?? r.externalId,
          email,
          is_bot: identity?.isBot ?? false,
        });
      }
    }
    if (newPeople.size > 0) {
      const list = [...newPeople.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
      // No conflict target: a person created meanwhile (same id, or same email) is simply kept.
      await pageRows(
        db,
        sql`
        insert into people (id, name, email, is_bot, created_at, updated_at)
        select x.id, x.name, x.email, x.is_bot, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
        from jsonb_to_recordset(${JSON.stringify(list)}::jsonb) as x(id text, name text, email text, is_bot boolean)
        order by x.id
        on conflict do nothing`,
      );
    }
  }

  const sorted = (list: Array<{ source: string; external_id: string }>) =>
    list.sort((a, b) => (a.source + a.external_id < b.source + b.external_id ? -1 : 1));
  const touched = new Set<string>();
  const toWrite = [...full.entries()].filter(([key]) => !unchanged.has(key)).map(([, identity]) => identity);
  if (toWrite.length > 0) {
    const rows = sorted(
      toWrite.map((i) => ({
        source: i.source,
        external_id: i.externalId,
        person_id: persons.get(identityKey(i))!,
        display_name: i.displayName,
        email: i.email,
        handle: i.handle ?? null,
        emails: i.emails ?? [],
        is_guest: i.isGuest,
        is_bot: i.isBot,
        raw: i.raw ?? null,
      })),
    );
    const changed = await pageRows<{ person_id: string }>(
      db,
      sql`insert into identities as i (source, external_id, person_id, display_name, email, handle, emails, is_guest,
                                       is_bot, raw, updated_at)
          select x.source, x.external_id, x.person_id, x.display_name, x.email, x.handle, coalesce(x.emails, '{}'),
                 x.is_guest, x.is_bot, x.raw, ${now.toISOString()}::timestamptz
          from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(source text, external_id text, person_id text,
               display_name text, email text, handle text, emails text[], is_guest boolean, is_bot boolean, raw jsonb)
          order by x.source, x.external_id
          on conflict (source, external_id) do update set
            display_name = coalesce(excluded.display_name, i.display_name),
            email = coalesce(excluded.email, i.email),
            handle = coalesce(excluded.handle, i.handle),
            emails = ${mergedEmails("i", "excluded")},
            is_guest = excluded.is_guest,
            is_bot = excluded.is_bot,
            raw = coalesce(excluded.raw, i.raw),
            updated_at = excluded.updated_at
          where (i.display_name, i.email, i.handle, i.emails, i.is_guest, i.is_bot, i.raw) is distinct from
                (coalesce(excluded.display_name, i.display_name), coalesce(excluded.email, i.email),
                 coalesce(excluded.handle, i.handle), ${mergedEmails("i", "excluded")},
                 excluded.is_guest, excluded.is_bot, coalesce(excluded.raw, i.raw))
          returning i.person_id`,
    );
    for (const row of changed) touched.add(row.person_id);
  }
  const bareNew = [...bare.values()].filter((r) => !known.has(identityKey(r)));
  if (bareNew.length > 0) {
    const rows = sorted(
      bareNew.map((r) => ({
        source: r.source,
        external_id: r.externalId,
        person_id: persons.get(identityKey(r))!,
      })),
    );
    const inserted = await pageRows<{ person_id: string }>(
      db,
      sql`insert into identities (source, external_id, person_id, updated_at)
          select x.source, x.external_id, x.person_id, ${now.toISOString()}::timestamptz
          from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(source text, external_id text, person_id text)
          order by x.source, x.external_id
          on conflict (source, external_id) do nothing
          returning person_id`,
    );
    for (const row of inserted) touched.add(row.person_id);
  }

  // Another transaction may have created one of these identities first: its person wins, so read them back.
  const created = fresh.map((r) => ({ source: r.source, external_id: r.externalId }));
  if (created.length > 0) {
    const rows = await pageRows<{ source: string; external_id: string; person_id: string }>(
      db,
      sql`select i.source, i.external_id, i.person_id from identities i
          join jsonb_to_recordset(${JSON.stringify(created)}::jsonb) as k(source text, external_id text)
            on i.source = k.source and i.external_id = k.external_id`,
    );
    for (const row of rows) persons.set(`${row.source}:${row.external_id}`, row.person_id);
  }

  if (touched.size > 0) await refreshPeople(db, [...touched].sort(), now);
  return persons;
}

/**
 * The live person whose own email each address (lower-cased) is. Only a person's own email: an address an
 * identity merely carries joins people after the pass (`reconcilePeople`), whatever order pages came in.
 */
async function holdersOf(db: Db, emails: readonly string[]): Promise<Map<string, string>> {
  const holders = new Map<string, string>();
  if (emails.length === 0) return holders;
  const rows = await pageRows<{ email: string; person_id: string }>(
    db,
    sql`select lower(email) as email, id as person_id from people
        where merged_into is null and lower(email) in (select jsonb_array_elements_text(${JSON.stringify(emails)}::jsonb))`,
  );
  for (const row of rows) holders.set(row.email, row.person_id);
  return holders;
}

/**
 * Identities stored before a source keyed its accounts by a stable id had the handle as their key (GitHub:
 * `github:<login>`). A new identity with that handle is the same account: it joins that identity's person, so
 * people and merges made by hand carry over. Keyed `source:handle`.
 */
async function legacyPersonsOf(
  db: Db,
  wanted: ReadonlyArray<{ source: string; handle: string }>,
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (wanted.length === 0) return found;
  const rows = await pageRows<{ source: string; handle: string; person_id: string }>(
    db,
    sql`select i.source, lower(i.external_id) as handle, i.person_id from identities i
        join jsonb_to_recordset(${JSON.stringify(wanted)}::jsonb) as w(source text, handle text)
          on i.source = w.source and lower(i.external_id) = w.handle
        where i.handle is null
        order by i.external_id`,
  );
  for (const row of rows) {
    const key = `${row.source}:${row.handle}`;
    if (!found.has(key)) found.set(key, row.person_id);
  }
  return found;
}

/**
 * A person's name and bot mark from their identities, whatever order they arrived in: a display name that is
 * not an address first, then by source id and account id (the store knows no ranking of sources; any fixed
 * order keeps two databases fed the same pages naming people alike). A bot is a person all of whose
 * identities are bots.
 */
export async function refreshPeople(db: Db, personIds: string[], now: Date): Promise<void> {
  const ids = JSON.stringify(personIds);
  // Lock first, in order: of two pages refreshing one person, the later waits for the earlier to commit,
  // and its next statement's snapshot then holds both pages' identities (READ COMMITTED). `no key update`,
  // the lock the update below takes anyway: a plain `for update` also waits for the key-share locks that
  // inserting an identity (or a flag) takes on its person through the foreign key, and two pages that
  // each inserted an identity of the same two people then deadlock.
  await pageRows(
    db,
    sql`
    select id from people where id in (select jsonb_array_elements_text(${ids}::jsonb)) order by id for no key update`,
  );
  await pageRows(
    db,
    sql`
    update people p set name = x.name, is_bot = x.is_bot, updated_at = ${now.toISOString()}::timestamptz
    from (
      select person_id,
             (array_agg(coalesce(display_name, handle, email, external_id)
                order by display_name is null, display_name like '%@%', source,
                         external_id))[1] as name,
             bool_and(is_bot) as is_bot
      from identities
      where person_id in (select jsonb_array_elements_text(${ids}::jsonb))
      group by person_id
    ) x
    where p.id = x.person_id and (p.name, p.is_bot) is distinct from (x.name, x.is_bot)`,
  );
}
