import { type App, createApp } from "../api/app.ts";
import type { Config } from "../config.ts";
import { recomputeAfterChange } from "../flags/recompute.ts";
import type { RunLog } from "../log.ts";
import { type FlagSettings, parseFlagSettings } from "../model/flag-settings.ts";
import type { Db } from "../store/db.ts";
import { SyncService } from "./sync-service.ts";

/**
 * The app with everything a deployment runs behind it: the configured sources' webhooks, `POST /api/sync`,
 * and the flag engine after every change. The Node server and the Worker build it the same way.
 */
export function wireApp(options: {
  db: Db;
  config: Config;
  apiToken: string;
  log: RunLog;
  /** The flag settings (Node reads the settings file); the defaults and the environment's otherwise. */
  settings?: FlagSettings;
}): {
  app: App;
  sync: SyncService;
} {
  const { db, config, log } = options;
  const settings = options.settings ?? parseFlagSettings(undefined, config.env);
  const onTasksChanged = async (taskKeys: readonly string[]) => {
    const summary = await recomputeAfterChange(db, taskKeys, settings, new Date());
    if (summary) {
      log.info("flags recomputed", {
        tasks: summary.tasks,
        opened: summary.opened,
        resolved: summary.resolved,
      });
    }
  };
  const sync = new SyncService({
    db,
    env: config.env,
    onTasksChanged,
    onSyncFinished: (report) =>
      log.info("incremental sync finished", {
        ok: report.ok,
        ms: report.durationMs,
        changedTasks: report.changedTaskKeys.size,
      }),
    onError: (err, context) => log.error("sync failed", err, context),
  });
  const app = createApp({
    db,
    apiToken: options.apiToken,
    timeZone: config.timeZone,
    logError: (err, context) => log.error("request failed", err, context),
    onTasksChanged,
    sync,
    webhooks: {
      sources: sync.webhookSources(),
      linker: sync.linker,
      requestSync: () => sync.request(),
      logInfo: (message, context) => log.info(message, context),
    },
  });
  return { app, sync };
}
