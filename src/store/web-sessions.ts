/**
 * Web sessions in the database: a random id in the cookie, its SHA-256 here. A session ends when it has been
 * idle too long, at its absolute expiry, or when it is deleted (sign-out, an admin, the person's email no
 * longer on the team). `last_seen_at` is written at most once a minute per session, so pages cost no write.
 */
import { sql } from "drizzle-orm";
import type { Db } from "./db.ts";
import { pageRows } from "./page-rows.ts";
import { survivorOf } from "./people-queries.ts";
import { queryRows } from "./rows.ts";

const time = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/** How stale `last_seen_at` may get before a request writes it again. */
const TOUCH_AFTER_MS = 60_000;

export type Role = "admin" | "member";

export interface StoredSession {
  /** The person signed in (the survivor of any merge); null for the local admin. */
  personId: string | null;
  email: string | null;
  name: string | null;
  role: Role;
  csrf: string;
}

export async function saveWebSession(
  db: Db,
  input: StoredSession & { idHash: string; now: Date; expiresAt: Date },
): Promise<void> {
  await db.execute(sql`
    insert into web_sessions (id_hash, person_id, email, name, role, csrf, created_at, last_seen_at, expires_at)
    values (${input.idHash}, ${input.personId}, ${input.email}, ${input.name}, ${input.role}, ${input.csrf},
            ${time(input.now)}, ${time(input.now)}, ${time(input.expiresAt)})`);
}

/**
 * The live session of a hashed id, or null (unknown, past its expiry, idle longer than `idleMs`). Reading
 * it counts as activity.
 */
export async function loadWebSession(
  db: Db,
  input: { idHash: string; now: Date; idleMs: number },
): Promise<StoredSession | null> {
  const idleSince = new Date(input.now.getTime() - input.idleMs);
  // Prepared: every page reads it first.
  const rows = await pageRows<{
    person_id: string | null;
    email: string | null;
    name: string | null;
    role: string;
    csrf: string;
    last_seen_at: string | Date;
  }>(
    db,
    sql`select coalesce(p.id, s.person_id) as person_id, s.email, coalesce(p.name, s.name) as name, s.role, s.csrf,
               s.last_seen_at
        from web_sessions s
        left join lateral ${survivorOf(sql`s.person_id`)} p on true
        where s.id_hash = ${input.idHash} and s.expires_at > ${time(input.now)}
          and s.last_seen_at > ${time(idleSince)}`,
  );
  const row = rows[0];
  if (!row) return null;
  if (input.now.getTime() - new Date(row.last_seen_at).getTime() >= TOUCH_AFTER_MS) {
    await db.execute(
      sql`update web_sessions set last_seen_at = ${time(input.now)} where id_hash = ${input.idHash}`,
    );
  }
  return {
    personId: row.person_id,
    email: row.email,
    name: row.name,
    role: row.role === "admin" ? "admin" : "member",
    csrf: row.csrf,
  };
}

export async function deleteWebSession(db: Db, idHash: string): Promise<void> {
  await db.execute(sql`delete from web_sessions where id_hash = ${idHash}`);
}

/**
 * Ends every session of whoever `session` is: a person's (by person, merged-away ids included, and by email),
 * or every local-admin session. Answers how many ended.
 */
export async function deleteSessionsOf(
  db: Db,
  who: { personId: string | null; email: string | null },
): Promise<number> {
  const rows = who.personId
    ? await queryRows<{ n: number }>(
        db,
        sql`with gone as (
              delete from web_sessions s
              where (s.person_id is not null
                     and (select p.id from ${survivorOf(sql`s.person_id`)} p) = ${who.personId})
                 or (${who.email}::text is not null and lower(s.email) = lower(${who.email}::text))
              returning 1)
            select count(*)::int as n from gone`,
      )
    : await queryRows<{ n: number }>(
        db,
        sql`with gone as (delete from web_sessions where person_id is null returning 1)
            select count(*)::int as n from gone`,
      );
  return Number(rows[0]?.n ?? 0);
}

/** Drops sessions past their absolute expiry (any request may call it; it is cheap with the index). */
export async function deleteExpiredSessions(db: Db, now: Date): Promise<void> {
  await db.execute(sql`delete from web_sessions where expires_at <= ${time(now)}`);
}
