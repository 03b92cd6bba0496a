import { sql } from "drizzle-orm";
import type { FlagSettings } from "../flags/flag-settings.ts";
import type { Person } from "../model/api-schemas.ts";
import type { SourceId } from "../model/kinds.ts";
import { inDomains, toSnapshotPerson } from "../model/person-role.ts";
import type { Db } from "./db.ts";
import { queryRows } from "./rows.ts";

/** One account of a person, as a suggestion shows it so a human can judge. */
export interface SuggestionIdentity {
  source: string;
  /** The account as people know it: a GitHub login where the key is a number, else the key. */
  account: string;
  displayName: string | null;
  email: string | null;
}

export interface SuggestionSide {
  person: Person;
  identities: SuggestionIdentity[];
}

/** "These two may be one human": a team member and the one other person whose account has their full name. */
export interface MergeSuggestion {
  /** The team member; the survivor of a merge. */
  member: SuggestionSide;
  other: SuggestionSide;
  /** The name both sides carry, as the other side's account spells it. */
  name: string;
}

/**
 * A name compared without case, accents or extra whitespace; null for a name of fewer than two words (a
 * first name or a login alone says too little).
 */
export function toFullNameKey(name: string | null): string | null {
  if (!name) return null;
  const key = name.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().replace(/\s+/g, " ").trim();
  if (key.includes("@")) return null;
  return key.split(" ").length >= 2 ? key : null;
}

/** A regular expression for PostgreSQL: a name of two words or more. */
const TWO_WORDS = String.raw`\S\s+\S`;

interface Row {
  person_id: string;
  person_name: string;
  person_email: string | null;
  person_is_bot: boolean;
  source: string;
  external_id: string;
  handle: string | null;
  display_name: string | null;
  email: string | null;
  emails: string[] | string | null;
  is_guest: boolean;
  is_bot: boolean;
}

/** postgres.js reads text[] as an array; PGlite through `execute` may too, or as `{a,b}`. */
const toList = (value: Row["emails"]): string[] => {
  if (Array.isArray(value)) return value;
  if (typeof value !== "string" || value === "{}") return [];
  return value
    .replace(/^\{|\}$/g, "")
    .split(",")
    .map((v) => v.replace(/^"|"$/g, ""));
};

/**
 * Merges worth a human's click: where the sources did not agree on an email, a team member's full name that
 * exactly one account of another live person carries (that person having no email, or one outside the team
 * domains: two team addresses are two people). Pairs someone said are not the same person are left out.
 * Nothing is merged here. Ordered by the member's name.
 */
export async function loadMergeSuggestions(
  db: Db,
  settings: FlagSettings,
  limit = 50,
): Promise<MergeSuggestion[]> {
  // First only the full names, to find the people who share one; then everything about those people.
  const names = await queryRows<{ person_id: string; name: string }>(
    db,
    sql`select i.person_id, i.display_name as name
        from identities i join people p on p.id = i.person_id
        where p.merged_into is null and not p.is_bot and not i.is_bot and i.display_name ~ ${TWO_WORDS}
        union
        select p.id, p.name from people p
        where p.merged_into is null and not p.is_bot and p.name ~ ${TWO_WORDS}`,
  );
  const holders = new Map<string, Set<string>>();
  for (const { person_id, name } of names) {
    const key = toFullNameKey(name);
    if (key !== null) holders.set(key, (holders.get(key) ?? new Set()).add(person_id));
  }
  const shared = [...holders.values()].filter((ids) => ids.size > 1).flatMap((ids) => [...ids]);
  if (shared.length === 0) return [];
  const rows = await queryRows<Row>(
    db,
    sql`select p.id as person_id, p.name as person_name, p.email as person_email, p.is_bot as person_is_bot,
               i.source, i.external_id, i.handle, i.display_name, i.email, i.emails, i.is_guest, i.is_bot
        from people p join identities i on i.person_id = p.id
        where p.id in (select jsonb_array_elements_text(${JSON.stringify([...new Set(shared)])}::jsonb))
        order by p.id, i.source, i.external_id`,
  );
  const dismissed = new Set(
    (
      await queryRows<{ a: string; b: string }>(
        db,
        sql`select person_a as a, person_b as b from merge_dismissals`,
      )
    ).map((r) => `${r.a}\u0000${r.b}`),
  );

  const people = new Map<string, { person: Person; isBot: boolean; rows: Row[] }>();
  for (const row of rows) {
    const entry = people.get(row.person_id) ?? {
      person: { id: row.person_id, name: row.person_name, email: row.person_email },
      isBot: row.person_is_bot,
      rows: [],
    };
    entry.rows.push(row);
    people.set(row.person_id, entry);
  }
  // Every account's full name → the accounts carrying it.
  const byName = new Map<string, Row[]>();
  for (const row of rows) {
    const key = toFullNameKey(row.display_name);
    if (key === null || row.is_bot) continue;
    byName.set(key, [...(byName.get(key) ?? []), row]);
  }
  const isTeam = (id: string) => {
    const entry = people.get(id)!;
    const record = {
      ...entry.person,
      isBot: entry.isBot,
      emails: entry.rows.flatMap((r) => [r.email, ...toList(r.emails)]).filter((e): e is string => !!e),
      sources: [...new Set(entry.rows.map((r) => r.source as SourceId))],
      isGuest: entry.rows.some((r) => r.is_guest),
      identityIsBot: entry.rows.every((r) => r.is_bot),
    };
    return toSnapshotPerson(record, settings).isTeam;
  };
  const side = (id: string): SuggestionSide => {
    const entry = people.get(id)!;
    return {
      person: entry.person,
      identities: entry.rows.map((r) => ({
        source: r.source,
        account: r.handle ?? r.external_id,
        displayName: r.display_name,
        email: r.email,
      })),
    };
  };

  const suggestions: MergeSuggestion[] = [];
  const seen = new Set<string>();
  for (const [id, entry] of people) {
    if (entry.isBot || !isTeam(id)) continue;
    const names = new Set(
      [entry.person.name, ...entry.rows.map((r) => r.display_name)]
        .map(toFullNameKey)
        .filter((k): k is string => k !== null),
    );
    for (const name of names) {
      const others = (byName.get(name) ?? []).filter((r) => r.person_id !== id);
      if (others.length !== 1) continue;
      const other = others[0]!;
      const otherPerson = people.get(other.person_id)!;
      const email = otherPerson.person.email;
      if (otherPerson.isBot) continue;
      // Two addresses of the team are two people (when the team's domains are known, any other is not).
      if (email !== null && (settings.teamDomains.length === 0 || inDomains(email, settings.teamDomains)))
        continue;
      const pair = [id, other.person_id].sort().join("\u0000");
      if (dismissed.has(pair) || seen.has(pair)) continue;
      seen.add(pair);
      suggestions.push({ member: side(id), other: side(other.person_id), name: other.display_name ?? name });
    }
  }
  suggestions.sort(
    (a, b) =>
      a.member.person.name.localeCompare(b.member.person.name) ||
      a.other.person.id.localeCompare(b.other.person.id),
  );
  return suggestions.slice(0, limit);
}

/** "Not the same person": the pair is not suggested again. False when either person is unknown. */
export async function dismissMergeSuggestion(
  db: Db,
  input: { a: string; b: string; by: string; now: Date },
): Promise<boolean> {
  if (input.a === input.b) return false;
  const [first, second] = [input.a, input.b].sort() as [string, string];
  const rows = await queryRows<{ person_a: string }>(
    db,
    sql`insert into merge_dismissals (person_a, person_b, by, at)
        select ${first}, ${second}, ${input.by}, ${input.now.toISOString()}::timestamptz
        where (select count(*) from people where id in (${first}, ${second})) = 2
        on conflict (person_a, person_b) do update set by = excluded.by
        returning person_a`,
  );
  return rows.length > 0;
}
