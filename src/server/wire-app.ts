import { gmailSettingsFromEnv } from "../../connectors/gmail/config.ts";
import { CONNECTORS, type ConnectorSet, listSources } from "../../connectors/registry.ts";
import { type ActionTemplates, DEFAULT_TEMPLATES } from "../actions/templates.ts";
import { type App, createApp } from "../api/app.ts";
import type { Config } from "../config.ts";
import { type FlagSettings, parseFlagSettings } from "../flags/flag-settings.ts";
import { flagsAfterChange } from "../flags/flags-after-change.ts";
import type { RunLog } from "../log.ts";
import type { PeopleFileEntry } from "../model/people-file.ts";
import type { SyncEnqueuer } from "../queue/sync-enqueuer.ts";
import type { Db } from "../store/db.ts";
import { toSourceSetups } from "../sync/source-setups.ts";
import { SubscriptionService } from "./subscription-service.ts";
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
  /**
   * The job queue (Node): `POST /api/sync` and the webhooks queue their work there and answer once it is
   * committed. Without it (the Worker) they run it in this process.
   */
  queue?: SyncEnqueuer;
  /** The sources (default: the registry's). */
  connectors?: ConnectorSet;
  /** The people file (Node reads it), applied after each sync pass. */
  people?: readonly PeopleFileEntry[];
  /** The message templates of actions (Node reads the settings file); the defaults otherwise. */
  templates?: ActionTemplates;
  /** The clock (tests move it); the real one otherwise. */
  now?: () => Date;
  /** When the schedule running the passes runs the next one (the Worker's cron). */
  nextPassAt?: () => Date | null;
}): {
  app: App;
  sync: SyncService;
  subscriptions: SubscriptionService;
} {
  const { db, config, log, queue } = options;
  const connectors = options.connectors ?? CONNECTORS;
  const sources = listSources(connectors);
  const settings = options.settings ?? parseFlagSettings(undefined, config.env, sources);
  const onTasksChanged = flagsAfterChange(db, settings, log);
  const sync = new SyncService({
    db,
    env: config.env,
    connectors,
    onTasksChanged,
    ...(options.people ? { people: options.people } : {}),
    ...(options.nextPassAt ? { nextPassAt: options.nextPassAt } : {}),
    onSyncFinished: (report) =>
      log.info("incremental sync finished", {
        ok: report.ok,
        ms: report.durationMs,
        changedTasks: report.changedTaskKeys.size,
      }),
    onError: (err, context) => log.error("sync failed", err, context),
    ...(options.now ? { now: options.now } : {}),
  });
  // Subscriptions only when the public URL is set: the default (localhost) is not reachable by a source.
  const subscriptions = new SubscriptionService({
    db,
    sources: sync.sources,
    publicUrl: config.env.THREADLINE_PUBLIC_URL ? config.publicUrl : null,
    ...(options.now ? { now: options.now } : {}),
    requestScopes: queue
      ? (source, scopes) => queue.requestScopes(source, scopes)
      : (source, scopes) => sync.request({ [source]: scopes }),
    log,
  });
  const app = createApp({
    db,
    ...(options.now ? { now: options.now } : {}),
    apiToken: options.apiToken,
    sources,
    timeZone: config.timeZone,
    logError: (err, context) => log.error("request failed", err, context),
    onTasksChanged,
    flagSettings: settings,
    signin: {
      oidc: config.oidc,
      publicUrl: config.publicUrl,
      teamDomains: config.teamDomains,
      admins: config.admins,
      idleMs: config.sessionIdleMinutes * 60_000,
    },
    mailboxes: {
      gmail: gmailSettingsFromEnv(config.env),
      secretKey: config.env.THREADLINE_SECRET_KEY,
      requestSync: () => {
        Promise.resolve((queue ?? sync).request()).catch((err) => log.error("sync failed", err, {}));
      },
    },
    sync: queue ?? sync,
    actions: {
      connectors,
      // Actions write with the same settings the sync reads with: each configured source's.
      sourceSettings: Object.fromEntries(sync.sources.map((s) => [s.connector.id, s.settings])),
      templates: options.templates ?? DEFAULT_TEMPLATES,
      log,
    },
    sourceSetups: toSourceSetups(config.env, connectors),
    webhooks: {
      sources: sync.webhookSources(),
      linker: sync.linker,
      requestSync: queue ? (source, scopes) => queue.requestScopes(source, scopes) : () => sync.request(),
      ...(queue ? { enqueuePush: (source, push) => queue.enqueuePush(source, push) } : {}),
      ...(subscriptions.active
        ? {
            onSubscriptionEvents: async (source, events) => {
              await subscriptions.answer(source, events);
            },
          }
        : {}),
      logInfo: (message, context) => log.info(message, context),
    },
  });
  return { app, sync, subscriptions };
}
