/**
 * Failed sign-ins per client address, in the database so every process (and every Worker isolate) sees the
 * same count. The first failures are free; after that each one doubles the wait before the next attempt is
 * heard, up to a cap. A day without failures starts the count again; a successful sign-in clears it.
 */
import { sql } from "drizzle-orm";
import type { Db } from "./db.ts";
import { queryRows } from "./rows.ts";

const time = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/** Failures allowed before any wait. */
const FREE_FAILURES = 2;
const FIRST_WAIT_S = 2;
const MAX_WAIT_S = 15 * 60;
/** A count older than this (no failure since) is forgotten. */
const FORGET_AFTER_S = 24 * 3600;

/** The wait after `failures` failures in a row, in seconds. */
export function backoffSeconds(failures: number): number {
  if (failures <= FREE_FAILURES) return 0;
  return Math.min(MAX_WAIT_S, FIRST_WAIT_S * 2 ** (failures - FREE_FAILURES - 1));
}

/** Until when `client` must wait before another attempt, or null when it may try now. */
export async function loadSigninBlock(db: Db, client: string, now: Date): Promise<Date | null> {
  const rows = await queryRows<{ blocked_until: string | Date }>(
    db,
    sql`select blocked_until from signin_attempts where client = ${client} and blocked_until > ${time(now)}`,
  );
  const row = rows[0];
  return row ? new Date(row.blocked_until) : null;
}

/** Counts a failed attempt (atomically, so concurrent failures all count) and answers the new wait's end. */
export async function saveSigninFailure(db: Db, client: string, now: Date): Promise<Date> {
  const forgetBefore = new Date(now.getTime() - FORGET_AFTER_S * 1000);
  const rows = await queryRows<{ failures: number }>(
    db,
    sql`insert into signin_attempts as a (client, failures, last_failure_at, blocked_until)
        values (${client}, 1, ${time(now)}, ${time(now)})
        on conflict (client) do update set
          failures = case when a.last_failure_at < ${time(forgetBefore)} then 1 else a.failures + 1 end,
          last_failure_at = excluded.last_failure_at
        returning failures`,
  );
  const failures = Number(rows[0]?.failures ?? 1);
  const until = new Date(now.getTime() + backoffSeconds(failures) * 1000);
  await db.execute(sql`update signin_attempts set blocked_until = ${time(until)} where client = ${client}`);
  return until;
}

export async function clearSigninFailures(db: Db, client: string): Promise<void> {
  await db.execute(sql`delete from signin_attempts where client = ${client}`);
}
