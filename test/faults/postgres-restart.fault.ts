/**
 * `threadline backfill` of all five sources (their real SDKs against the sandboxes) while its PostgreSQL
 * server crashes (`pg_ctl stop -m immediate`) and comes back: run again, it ends with the database a clean
 * backfill leaves. The server is a private cluster of this test's, started from the machine's PostgreSQL
 * binaries; the test is skipped where there are none.
 */

import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openPostgres } from "../../src/store/open-postgres.ts";
import { queryRows } from "../../src/store/rows.ts";
import { type BulkSources, startBulkSources } from "../helpers/bulk-sources.ts";
import { tempDir } from "../helpers/cli.ts";
import { dumpContent } from "../helpers/content-dump.ts";
import { findPostgresBin, type PrivatePostgres, startPrivatePostgres } from "../helpers/private-postgres.ts";
import { bundleCli, spawnCli } from "../helpers/server-process.ts";

const bin = await findPostgresBin();

let cluster: PrivatePostgres;
let sources: BulkSources;
let cli: Awaited<ReturnType<typeof bundleCli>>;
let cwd: string;
beforeAll(async () => {
  if (!bin) return;
  [cluster, sources, cli, cwd] = await Promise.all([
    startPrivatePostgres(bin),
    startBulkSources(),
    bundleCli(),
    tempDir("threadline-pg-restart-"),
  ]);
});
afterAll(async () => {
  await Promise.all([cluster?.dispose(), sources?.close(), cli?.dispose()]);
});

const env = (url: string) => ({ ...sources.env, DATABASE_URL: url, THREADLINE_DATA_DIR: cwd });

const itemCount = async (url: string) => {
  const database = openPostgres(url, { max: 1 });
  try {
    const [row] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from items`);
    return row!.n;
  } catch {
    return 0; // Not migrated yet.
  } finally {
    await database.close();
  }
};

it.skipIf(!bin)(
  "a backfill whose PostgreSQL server crashes and restarts in the middle ends equal to a clean one [postgres]",
  async () => {
    const startedAt = new Date();
    const cleanUrl = await cluster.createDatabase("clean");
    const faultyUrl = await cluster.createDatabase("faulty");

    const clean = spawnCli(cli.entry, ["backfill"], env(cleanUrl), cwd);
    expect((await clean.exited).code, clean.output()).toBe(0);
    const total = await itemCount(cleanUrl);
    expect(total).toBeGreaterThan(1_000);

    // The crash comes once about a quarter of the items are saved, with the rest still being pulled.
    const interrupted = spawnCli(cli.entry, ["backfill"], env(faultyUrl), cwd);
    let ended = false;
    void interrupted.exited.then(() => {
      ended = true;
    });
    for (;;) {
      if (ended) throw new Error(`the backfill ended before the crash:\n${interrupted.output()}`);
      if ((await itemCount(faultyUrl)) >= total / 4) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    await cluster.crash();
    await new Promise((r) => setTimeout(r, 500));
    await cluster.start();
    const first = await interrupted.exited;
    // Whether the run rode out the outage with its retries, gave up, or crashed (postgres.js 3.4.9 can throw
    // from a timer when its socket closes under a write: porsager/postgres#1208), a rerun resumes and finishes.
    let reruns = 0;
    let last = first;
    while (last.code !== 0 && reruns < 3) {
      reruns++;
      const again = spawnCli(cli.entry, ["backfill"], env(faultyUrl), cwd);
      last = await again.exited;
      if (last.code !== 0 && reruns === 3) throw new Error(`the rerun failed:\n${again.output()}`);
    }
    expect(last.code).toBe(0);

    const [a, b] = [openPostgres(cleanUrl, { max: 2 }), openPostgres(faultyUrl, { max: 2 })];
    try {
      // Flags included: the rerun finds the scopes the dead run left marked and evaluates all their tasks.
      expect(await dumpContent(b.db, startedAt)).toEqual(await dumpContent(a.db, startedAt));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  },
  180_000,
);
