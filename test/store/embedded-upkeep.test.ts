/**
 * The embedded database has no autovacuum (PGlite runs PostgreSQL in single-user mode, where no autovacuum
 * worker starts): Threadline vacuums and analyses its tables itself, past autovacuum's own thresholds, from
 * `serve` on a timer and after `sync`/`backfill`.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedUpkeep } from "../../src/server/embedded-upkeep-schedule.ts";
import { keepUpEmbeddedDatabase, type TableUpkeep } from "../../src/store/embedded-upkeep.ts";
import { queryRows } from "../../src/store/rows.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/databases.ts";

interface TableStats {
  dead: number;
  vacuumed: boolean;
  analysed: boolean;
}

describe("the embedded database's upkeep", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase("pglite");
  });
  afterAll(async () => {
    await database.close();
  });

  const stats = async (table: string): Promise<TableStats> => {
    // What this connection counted so far reaches the statistics at once, not at the next periodic flush.
    await database.db.execute(sql`select pg_stat_force_next_flush()`);
    await database.db.execute(sql`select pg_stat_clear_snapshot()`);
    const [row] = await queryRows<{ dead: number; last_vacuum: unknown; last_analyze: unknown }>(
      database.db,
      sql`select n_dead_tup::int as dead, last_vacuum, last_analyze from pg_stat_user_tables
          where schemaname = 'public' and relname = ${table}`,
    );
    return { dead: row!.dead, vacuumed: row!.last_vacuum !== null, analysed: row!.last_analyze !== null };
  };
  /** 1,000 saved searches, each written again twice: 2,000 dead rows, never reclaimed by PGlite itself. */
  const churn = async () => {
    await database.db.execute(
      sql`insert into saved_searches (name, query) select 'search ' || g, 'kind:stale' from generate_series(1, 1000) g`,
    );
    await database.db.execute(sql`update saved_searches set query = 'kind:no_owner'`);
    await database.db.execute(sql`update saved_searches set query = 'kind:unanswered_question'`);
  };

  it("vacuums and analyses a table past autovacuum's threshold, once", async () => {
    await churn();
    expect(await stats("saved_searches")).toEqual({ dead: 2000, vacuumed: false, analysed: false });
    const done = await keepUpEmbeddedDatabase(database.db);
    expect(done).toContainEqual({ table: "saved_searches", vacuumed: true, analysed: false });
    expect(await stats("saved_searches")).toEqual({ dead: 0, vacuumed: true, analysed: true });
    // The planner has the table's statistics now.
    const columns = await queryRows<{ attname: string }>(
      database.db,
      sql`select attname from pg_stats where schemaname = 'public' and tablename = 'saved_searches' order by attname`,
    );
    expect(columns.map((c) => c.attname)).toContain("query");
    // Nothing left to do for it until it changes again.
    await database.db.execute(sql`select pg_stat_force_next_flush()`);
    const again = await keepUpEmbeddedDatabase(database.db);
    expect(again.map((t) => t.table)).not.toContain("saved_searches");
  });

  it("runs from serve's timer", async () => {
    await database.db.execute(sql`delete from saved_searches`);
    await churn();
    await database.db.execute(sql`select pg_stat_force_next_flush()`);
    const passes: TableUpkeep[][] = [];
    const upkeep = startEmbeddedUpkeep(database.db, {
      everyMs: 50,
      onDone: (done) => passes.push(done),
      onError: (err) => {
        throw err;
      },
    });
    try {
      await expect
        .poll(() => passes.flat().some((t) => t.table === "saved_searches" && t.vacuumed), {
          timeout: 10_000,
        })
        .toBe(true);
    } finally {
      await upkeep.stop();
    }
    expect((await stats("saved_searches")).dead).toBe(0);
  });
});
