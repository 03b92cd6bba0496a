import { serve } from "@hono/node-server";
import { createApp } from "../api/app.ts";
import type { Config } from "../config.ts";
import { recomputeFlags } from "../flags/recompute.ts";
import { log } from "../log.ts";
import { parseFlagSettings } from "../model/flag-settings.ts";
import { migrateDatabase } from "../store/migrate.ts";
import { openDatabase } from "../store/open-database.ts";
import { loadApiToken } from "./api-token.ts";
import { SyncService } from "./sync-service.ts";

/**
 * Runs Threadline on Node: opens and migrates the database, serves the app, and shuts down cleanly on
 * SIGINT/SIGTERM (in-flight requests finish, the database closes).
 */
export async function startServer(
  config: Config,
  options: { port: number },
): Promise<{ close(): Promise<void> }> {
  const database = await openDatabase(config);
  await migrateDatabase(database);
  const { token, file } = await loadApiToken(config.apiToken, config.dataDir);
  const settings = parseFlagSettings(undefined, config.env);
  const onTasksChanged = async (taskKeys: readonly string[]) => {
    const summary = await recomputeFlags(database.db, { taskKeys, now: new Date(), settings });
    log.debug(
      { tasks: summary.tasks, opened: summary.opened, resolved: summary.resolved },
      "flags recomputed",
    );
  };
  const sync = new SyncService({
    db: database.db,
    env: config.env,
    onTasksChanged,
    onSyncFinished: (report) =>
      log.info(
        { ok: report.ok, ms: report.durationMs, changedTasks: report.changedTaskKeys.size },
        "incremental sync finished",
      ),
    onError: (err, context) => log.error({ err, ...context }, "sync failed"),
  });
  const app = createApp({
    db: database.db,
    apiToken: token,
    logError: (err, context) => log.error({ err, ...context }, "request failed"),
    onTasksChanged,
    sync,
    webhooks: {
      sources: sync.webhookSources(),
      linker: sync.linker,
      requestSync: () => sync.request(),
      logInfo: (message, context) => log.info(context, message),
    },
  });

  const server = serve({ fetch: app.fetch, port: options.port, hostname: "0.0.0.0" });
  await new Promise<void>((resolve, reject) => {
    server.once("listening", () => resolve());
    server.once("error", reject);
  });
  log.info(
    {
      url: `http://localhost:${options.port}`,
      database: database.kind === "pglite" ? "embedded" : "postgres",
      ...(file ? { apiTokenFile: file } : {}),
    },
    "threadline is serving",
  );

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
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
