import type { PGlite } from "@electric-sql/pglite";
import PgBoss from "pg-boss";
import type { Database } from "../store/db.ts";
import { BOSS_SCHEMA } from "./jobs.ts";
import { pgliteExecutor } from "./pglite-executor.ts";
import type { QueueSettings } from "./queue-settings.ts";

/**
 * Starts pg-boss on the database: a small pool of its own on a PostgreSQL server, or the embedded
 * database's one connection. It creates (or upgrades) its schema, and expires the jobs of workers that died
 * (`supervise`). Its cron scheduler stays off: Threadline queues passes when asked, and the scheduler would
 * poll for nothing.
 */
export async function openBoss(
  database: Database,
  settings: QueueSettings,
  onError: (err: unknown) => void,
): Promise<PgBoss> {
  const common = {
    schema: BOSS_SCHEMA,
    migrate: true,
    supervise: true,
    schedule: false,
    maintenanceIntervalSeconds: settings.maintenanceSeconds,
  };
  let boss: PgBoss;
  if (database.kind === "pglite") {
    const client = (database.db as unknown as { $client: PGlite }).$client;
    boss = new PgBoss({ ...common, db: pgliteExecutor(client) as PgBoss.Db });
  } else {
    if (!database.url) throw new Error("[threadline] the job queue needs the PostgreSQL server's URL");
    boss = new PgBoss({ ...common, connectionString: database.url, max: 3, application_name: "threadline" });
  }
  boss.on("error", onError);
  await boss.start();
  return boss;
}
