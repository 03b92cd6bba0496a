import { toCommaList } from "../../connectors/kit/comma-list.ts";
import { CONNECTORS, type ConnectorSet, listSources } from "../../connectors/registry.ts";
import type { RunLog } from "../log.ts";
import type { PeopleFileEntry } from "../model/people-file.ts";
import type { Database } from "../store/db.ts";
import type { Linker } from "../store/item-links.ts";
import type { SyncSource } from "../sync/engine.ts";
import { toLinkContext } from "../sync/link-context.ts";
import { createLinker } from "../sync/linker.ts";
import { sharedThreadMapper } from "../sync/map-thread.ts";
import type { PageMapper } from "../sync/page-mapper.ts";
import { configureSources } from "../sync/sources.ts";
import { JobRunner } from "./job-runner.ts";
import { openBoss } from "./open-boss.ts";
import type { QueueSettings } from "./queue-settings.ts";
import { SyncEnqueuer } from "./sync-enqueuer.ts";
import { runPushJobs, runSyncJob, type SyncJobDeps } from "./sync-jobs.ts";

export interface SyncQueue {
  enqueuer: SyncEnqueuer;
  sources: readonly SyncSource[];
  linker: Linker;
  /** Jobs this process runs at once (0: it only queues them). */
  concurrency: number;
  /** Stops taking jobs, lets the running ones stop or finish (see `JobRunner.stop`), and closes pg-boss. */
  stop(): Promise<void>;
}

/** How long before its expiry a job stops itself: a fifth of it, between one second and a minute. */
export function jobBudgetMs(expireSeconds: number): number {
  const margin = Math.min(60, Math.max(1, expireSeconds * 0.2));
  return Math.round((expireSeconds - margin) * 1000);
}

/**
 * The queue of sync work on the database, and (with `concurrency` above 0) a worker running its jobs in
 * this process: what `serve` and `threadline worker` both start.
 */
export async function startSyncQueue(options: {
  database: Database;
  env: Readonly<Record<string, string | undefined>>;
  settings: QueueSettings;
  concurrency: number;
  /** After a job committed changes; never throws (it logs). */
  onTasksChanged: (taskKeys: readonly string[]) => Promise<void>;
  log: RunLog;
  connectors?: ConnectorSet;
  now?: () => Date;
  /** The people file, applied after each scope's pass. */
  people?: readonly PeopleFileEntry[];
  /** How pages are mapped; default: the process's mapping thread (`sharedThreadMapper`). */
  mapper?: PageMapper;
}): Promise<SyncQueue> {
  const { database, settings, log } = options;
  const registry = options.connectors ?? CONNECTORS;
  const sources = configureSources(options.env, [], registry);
  const linker = createLinker(toLinkContext(options.env, listSources(registry)));
  const boss = await openBoss(database, settings, (err) => log.error("job queue error", err, {}));
  let runner: JobRunner | undefined;
  const enqueuer = new SyncEnqueuer(
    boss,
    sources.map((s) => s.connector.id),
    settings,
    () => runner?.wake(),
  );
  if (options.concurrency > 0) {
    const now = options.now ?? (() => new Date());
    const deps: SyncJobDeps = {
      db: database.db,
      sources,
      linker,
      enqueuer,
      now,
      onTasksChanged: options.onTasksChanged,
      secretKey: options.env.THREADLINE_SECRET_KEY,
      teamDomains: toCommaList(options.env.THREADLINE_TEAM_DOMAINS ?? "").map((d) => d.toLowerCase()),
      ...(options.people ? { people: options.people } : {}),
      mapper: options.mapper ?? sharedThreadMapper(),
    };
    runner = new JobRunner({
      boss,
      db: database.db,
      concurrency: options.concurrency,
      pollMs: settings.pollSeconds * 1000,
      budgetMs: jobBudgetMs(settings.expireSeconds),
      run: (job, signal) => runSyncJob(deps, job, signal),
      runPushes: (jobs) => runPushJobs(deps, jobs),
      log,
    });
    runner.start();
  }
  let stopping: Promise<void> | undefined;
  return {
    enqueuer,
    sources,
    linker,
    concurrency: options.concurrency,
    stop() {
      stopping ??= (async () => {
        await runner?.stop();
        // The jobs in hand are completed or handed back above; nothing is left for pg-boss to wait for.
        await boss.stop({ graceful: false, close: true });
      })();
      return stopping;
    },
  };
}
