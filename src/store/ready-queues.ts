import { sql } from "drizzle-orm";
import type { Db } from "./db.ts";
import { queryRows } from "./rows.ts";

/**
 * Which job queues have a job ready to start, read from pg-boss's job table in `schema`: only queues whose
 * names start with `prefix` (another application's queues are not ours to take), leaving out stately queues
 * that have a job active (they cannot start another; asking them would only fail). `first` comes first, then
 * the queue with the oldest ready job. pg-boss has no call that answers this across queues; its `fetch`
 * still takes the job, so its locking is what keeps two workers off one job.
 */
export async function loadReadyQueues(
  db: Db,
  query: { schema: string; prefix: string; first: string; limit: number },
): Promise<string[]> {
  const job = sql`${sql.identifier(query.schema)}.job`;
  const rows = await queryRows<{ name: string }>(
    db,
    sql`select j.name from ${job} j
        where j.state in ('created', 'retry') and j.start_after < now()
          and left(j.name, ${query.prefix.length}) = ${query.prefix}
          and not exists (select 1 from ${job} a where a.name = j.name and a.state = 'active' and a.policy = 'stately')
        group by j.name
        order by j.name = ${query.first} desc, min(j.created_on)
        limit ${query.limit}`,
  );
  return rows.map((r) => r.name);
}
