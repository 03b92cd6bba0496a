import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { ConfigError } from "../../config.ts";
import { flagsAfterChange } from "../../flags/flags-after-change.ts";
import { loadFlagSettings } from "../../flags/load-flag-settings.ts";
import { loadPeopleFile } from "../../load-people-file.ts";
import { log } from "../../log.ts";
import { parseQueueSettings } from "../../queue/queue-settings.ts";
import { startSyncQueue } from "../../queue/start-sync-queue.ts";
import { migrateDatabase } from "../../store/migrate.ts";
import { openDatabase } from "../../store/open-database.ts";
import { loadConfig } from "../env.ts";

const parseConcurrency = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw new InvalidArgumentError("must be a number from 1 to 64");
  return n;
};

const runLog = {
  info: (message: string, context: Record<string, unknown>) => log.info(context, message),
  error: (message: string, err: unknown, context: Record<string, unknown>) =>
    log.error({ err, ...context }, message),
};

/**
 * `threadline worker`: runs the queued sync jobs (passes over scopes, webhook pushes) until SIGTERM or
 * SIGINT. Any number of them, on any machines, share the queue in the PostgreSQL of DATABASE_URL. On a
 * signal it takes no new job; a pass in hand stops after its pages in flight are saved and queues its rest,
 * a push finishes; then it exits 0.
 */
export function registerWorker(program: Command): void {
  program
    .command("worker")
    .description("run queued sync jobs (needs DATABASE_URL) until SIGTERM or SIGINT")
    .option(
      "--concurrency <n>",
      "jobs run at once (default 4, or THREADLINE_WORKER_CONCURRENCY)",
      parseConcurrency,
    )
    .action(async (options: { concurrency?: number }) => {
      const config = loadConfig();
      const settings = parseQueueSettings(config.env);
      if (!config.databaseUrl) {
        throw new ConfigError(
          "[threadline] worker needs DATABASE_URL: the embedded database is one process's, and `threadline serve` runs its jobs",
        );
      }
      const flagSettings = loadFlagSettings(config.env);
      const people = loadPeopleFile();
      const database = await openDatabase(config);
      await migrateDatabase(database);
      const onTasksChanged = flagsAfterChange(database.db, flagSettings, runLog);
      const queue = await startSyncQueue({
        database,
        env: config.env,
        settings,
        concurrency: options.concurrency ?? settings.workerConcurrency,
        onTasksChanged: async (keys) => {
          try {
            await onTasksChanged(keys);
          } catch (err) {
            log.error({ err }, "flag recompute failed");
          }
        },
        log: runLog,
        people,
      });
      log.info(
        {
          concurrency: queue.concurrency,
          sources: queue.sources.map((s) => s.connector.id),
          jobExpireSeconds: settings.expireSeconds,
        },
        "threadline worker is running",
      );
      await new Promise<NodeJS.Signals>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      }).then((signal) => log.info({ signal }, "stopping after the jobs in hand"));
      await queue.stop();
      await database.close();
      log.info({}, "threadline worker stopped");
    });
}
