import { sql } from "drizzle-orm";
import type { Db } from "../../src/store/db.ts";
import { queryRows } from "../../src/store/rows.ts";

/** Threadline's jobs by state, read from pg-boss's table (empty before pg-boss first started). */
export async function jobCounts(db: Db): Promise<Record<string, number>> {
  const [exists] = await queryRows<{ name: string | null }>(
    db,
    sql`select to_regclass('pgboss.job')::text as name`,
  );
  if (!exists?.name) return {};
  const rows = await queryRows<{ state: string; n: number }>(
    db,
    sql`select state::text as state, count(*)::int as n from pgboss.job
        where left(name, 11) = 'threadline.' group by state`,
  );
  return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
}

/** Resolves once no job of Threadline's is queued, waiting for a retry or running. */
export async function waitForDrain(db: Db, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await jobCounts(db);
    if (!counts.created && !counts.retry && !counts.active) return;
    if (Date.now() > deadline) throw new Error(`jobs still pending: ${JSON.stringify(counts)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Removes every job (queues stay: they are created once per process and remembered). */
export async function emptyJobs(db: Db): Promise<void> {
  await db.execute(
    sql.raw(
      "do $$ begin if to_regclass('pgboss.job') is not null then truncate pgboss.job, pgboss.archive; end if; end $$",
    ),
  );
}
