import { serve } from "@hono/node-server";
import { loadActionTemplates } from "../actions/load-action-templates.ts";
import type { Config } from "../config.ts";
import { startDigestSchedule } from "../digest/schedule.ts";
import { flagsAfterChange } from "../flags/flags-after-change.ts";
import { loadFlagSettings } from "../flags/load-flag-settings.ts";
import { loadPeopleFile } from "../load-people-file.ts";
import { log } from "../log.ts";
import { parseQueueSettings } from "../queue/queue-settings.ts";
import { startSyncQueue } from "../queue/start-sync-queue.ts";
import type { Database } from "../store/db.ts";
import { migrateDatabase } from "../store/migrate.ts";
import { openDatabase } from "../store/open-database.ts";
import { loadApiToken } from "./api-token.ts";
import { startEmbeddedUpkeep } from "./embedded-upkeep-schedule.ts";
import { startSubscriptionSchedule } from "./subscription-service.ts";
import { wireApp } from "./wire-app.ts";

/**
 * Runs Threadline on Node: opens and migrates the database, serves the app, and shuts down cleanly on
 * SIGINT/SIGTERM (in-flight requests finish, the database closes).
 */
export async function startServer(
  config: Config,
  options: {
    port: number;
    /** A database already open (the demo's); it is closed with the server. */
    database?: Database;
  },
): Promise<{ close(): Promise<void> }> {
  // The settings file first: a malformed one stops the server before it opens anything.
  const settings = loadFlagSettings(config.env);
  const people = loadPeopleFile();
  const database = options.database ?? (await openDatabase(config));
  await migrateDatabase(database);
  const { token, file } = await loadApiToken(config.apiToken, config.dataDir);
  const wireLog = {
    info: (message: string, context: Record<string, unknown>) => log.info(context, message),
    error: (message: string, err: unknown, context: Record<string, unknown>) =>
      log.error({ err, ...context }, message),
  };
  // Sync work goes through the job queue. The embedded database has one connection in one process, so
  // this process always runs its jobs; with a server, THREADLINE_WORKERS=0 leaves them to `threadline worker`.
  const queueSettings = parseQueueSettings(config.env);
  if (database.kind === "pglite" && queueSettings.serveWorkers === 0) {
    log.warn("THREADLINE_WORKERS=0 needs DATABASE_URL: the embedded database runs its jobs in this process");
  }
  const onTasksChanged = flagsAfterChange(database.db, settings, wireLog);
  const queue = await startSyncQueue({
    database,
    env: config.env,
    settings: queueSettings,
    concurrency:
      database.kind === "pglite" ? Math.max(1, queueSettings.serveWorkers) : queueSettings.serveWorkers,
    onTasksChanged: async (keys) => {
      try {
        await onTasksChanged(keys);
      } catch (err) {
        // The job's changes are committed; the flags catch up on the next change of these tasks.
        log.error({ err }, "flag recompute failed");
      }
    },
    log: wireLog,
    people,
  });
  const { app, sync, subscriptions } = wireApp({
    db: database.db,
    config,
    apiToken: token,
    settings,
    templates: loadActionTemplates(),
    log: wireLog,
    queue: queue.enqueuer,
    people,
  });

  const server = serve({ fetch: app.fetch, port: options.port, hostname: "0.0.0.0" });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("listening", () => resolve());
      server.once("error", reject);
    });
  } catch (err) {
    await queue.stop();
    throw err;
  }
  log.info(
    {
      url: `http://localhost:${options.port}`,
      database: database.kind === "pglite" ? "embedded" : "postgres",
      jobsInProcess: queue.concurrency,
      ...(file ? { apiTokenFile: file } : {}),
    },
    "threadline is serving",
  );

  // Push subscriptions (Teams) once the webhooks can answer their validation, renewed on a timer; the
  // subscribed channels get a daily catch-up pass instead of relying on pushes alone.
  const subscriptionSchedule = options.database
    ? undefined
    : startSubscriptionSchedule(subscriptions, {
        onError: (err) => log.error({ err }, "subscription upkeep failed"),
      });

  // The embedded database has no autovacuum: this process vacuums and analyses its tables as it would.
  const upkeep =
    database.kind === "pglite"
      ? startEmbeddedUpkeep(database.db, {
          onDone: (done) => log.info({ tables: done }, "embedded database vacuumed and analysed"),
          onError: (err) => log.error({ err }, "embedded database upkeep failed"),
        })
      : undefined;

  // The daily digest, when there is a way to send it. Never from the demo (the one caller that brings its own
  // database): its people are made up, and an SMTP_URL in the environment is meant for the real workspace.
  const digest =
    config.smtpUrl && !options.database
      ? startDigestSchedule({
          settings: { ...settings, digestTime: config.digestTime },
          run: async (day) => {
            const { runScheduledDigest } = await import("../digest/run-digest.ts");
            const { loadDigestSettings } = await import("../digest/digest-settings.ts");
            await runScheduledDigest({
              db: database.db,
              config,
              flagSettings: settings,
              digestSettings: loadDigestSettings(),
              day,
              log: wireLog,
            });
          },
          onError: (err, day) => log.error({ err, day }, "digest run failed"),
        })
      : undefined;

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await digest?.stop();
      await subscriptionSchedule?.stop();
      await upkeep?.stop();
      await queue.stop();
      await sync.stop();
      await database.close();
    })();
    return closing;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    log.info({ signal }, "shutting down");
    void close().then(() => process.exit(0));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  return { close };
}
