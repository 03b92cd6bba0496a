import type { PeopleFileEntry } from "../model/people-file.ts";
import type { Db } from "../store/db.ts";
import type { Linker } from "../store/item-links.ts";
import { scopeTaskKeys } from "../store/scope-task-keys.ts";
import { saveScopes } from "../store/scopes.ts";
import { withConnectedMailboxes } from "../sync/connected-mailboxes.ts";
import { runSync, type SyncSource } from "../sync/engine.ts";
import type { PageMapper } from "../sync/page-mapper.ts";
import { savePush } from "../sync/push.ts";
import type { JobOutcome, ListJob, PushJob, ScopeJob, SyncJob } from "./jobs.ts";
import type { SyncEnqueuer } from "./sync-enqueuer.ts";

export interface SyncJobDeps {
  db: Db;
  sources: readonly SyncSource[];
  linker: Linker;
  enqueuer: SyncEnqueuer;
  now: () => Date;
  /** After a job committed changes: the tasks whose flags must be evaluated again. Logs its own failures. */
  onTasksChanged: (taskKeys: readonly string[]) => Promise<void>;
  /** The people file, applied at the end of each scope's pass. */
  people?: readonly PeopleFileEntry[];
  /** THREADLINE_SECRET_KEY, which opens the grants of the mailboxes people connected. */
  secretKey?: string | undefined;
  /** The team's email domains: what a connected mailbox keeps. */
  teamDomains?: readonly string[];
  /** How pages are mapped (see `RunSyncOptions.mapper`). */
  mapper?: PageMapper;
}

/** A job as a worker took it: its data, and whether an earlier run of it was cut short or failed. */
export interface TakenJob {
  data: SyncJob;
  retried: boolean;
}

/** Runs one job. Throws when it failed in a way a retry may fix; pg-boss then queues it again. */
export async function runSyncJob(
  deps: SyncJobDeps,
  taken: TakenJob,
  signal: AbortSignal,
): Promise<JobOutcome> {
  const job = taken.data;
  // A job that comes back after its worker died may have saved pages and never evaluated their flags; its
  // second run finds them unchanged, so it evaluates every task of the scope.
  switch (job.kind) {
    case "list":
      return runListJob(deps, job, signal);
    case "scope":
      return runScopeJob(deps, taken.retried ? { ...job, recomputeScope: true } : job, signal);
    case "push": {
      const outcome = await runPushJob(deps, job);
      if (taken.retried) {
        const keys = await scopeTaskKeys(deps.db, job.source, job.scope);
        if (keys.length > 0) await deps.onTasksChanged(keys);
      }
      return outcome;
    }
  }
}

const sourceOf = (deps: SyncJobDeps, job: SyncJob) => deps.sources.find((s) => s.connector.id === job.source);

async function runListJob(deps: SyncJobDeps, job: ListJob, signal: AbortSignal): Promise<JobOutcome> {
  const source = sourceOf(deps, job);
  // Queued before the source was unconfigured: nothing to pull any more.
  if (!source) return { kind: "list", changedTasks: 0, scopes: 0 };
  const [withMailboxes] = (await withConnectedMailboxes(deps.db, [source], deps.secretKey)).sources;
  const scopes = await source.connector.listScopes(withMailboxes!.settings, {
    signal,
    report: { requests: () => {}, waiting: () => {} },
  });
  await saveScopes(deps.db, job.source, scopes, deps.now());
  await deps.enqueuer.enqueueScopes(job.source, scopes);
  return { kind: "list", changedTasks: 0, scopes: scopes.length };
}

async function runScopeJob(deps: SyncJobDeps, job: ScopeJob, signal: AbortSignal): Promise<JobOutcome> {
  const source = sourceOf(deps, job);
  if (!source) return { kind: "scope", changedTasks: 0 };
  const report = await runSync({
    db: deps.db,
    sources: [source],
    scopes: { [job.source]: [job.scope] },
    mode: "sync",
    linker: deps.linker,
    now: deps.now,
    signal,
    secretKey: deps.secretKey,
    ...(deps.teamDomains ? { teamDomains: deps.teamDomains } : {}),
    ...(deps.people ? { people: deps.people } : {}),
    ...(deps.mapper ? { mapper: deps.mapper } : {}),
  });
  const changed = [...report.changedTaskKeys];
  const evaluate = async () => {
    const keys = job.recomputeScope ? await scopeTaskKeys(deps.db, job.source, job.scope) : changed;
    if (keys.length > 0) await deps.onTasksChanged(keys);
  };
  const outcome = report.sources[0]?.scopes[0];
  // Aborted in the middle of a request, a connector reports the scope failed rather than stopped.
  if (outcome?.outcome === "stopped" || signal.aborted) {
    // Stopped at its time budget or by a shutdown, after its pages in flight were saved: the rest of the
    // pass is a new job, which resumes from the cursors (another worker may take it) and evaluates the
    // flags at its end. When a job of the scope is already waiting, this one cannot hand that on: it
    // evaluates the tasks it changed now.
    const owed = job.recomputeScope === true || changed.length > 0;
    const handedOn =
      (await deps.enqueuer.enqueueScopes(job.source, [job.scope], { recomputeScope: owed })) > 0;
    if (!handedOn) await evaluate();
    return { kind: "scope", changedTasks: changed.length, continued: true };
  }
  // The pages it committed are on the timelines whatever happened after: their flags before anything else.
  await evaluate();
  const failure = report.sources[0]?.errors.find((e) => e.kind !== "forbidden" && e.kind !== "not_found");
  if (failure) {
    throw new Error(failure.message);
  }
  return { kind: "scope", changedTasks: changed.length };
}

/**
 * Saves several pushes as one page per source and scope, in the order they were queued (a later copy of
 * a record wins, as it would one push after another), then evaluates the flags of every task they changed
 * once. For pushes without deletions: a tombstone's order against upserts in one page is not kept.
 */
export async function runPushJobs(deps: SyncJobDeps, jobs: readonly PushJob[]): Promise<JobOutcome> {
  const groups = new Map<string, PushJob[]>();
  for (const job of jobs) {
    const key = JSON.stringify([job.source, job.scope]);
    const group = groups.get(key);
    if (group) group.push(job);
    else groups.set(key, [job]);
  }
  const changed = new Set<string>();
  for (const group of groups.values()) {
    const first = group[0]!;
    const source = sourceOf(deps, first);
    if (!source) continue;
    const receivedAt = Math.max(...group.map((j) => Date.parse(j.receivedAt)));
    const saved = await savePush(
      deps.db,
      source.connector,
      {
        scope: first.scope,
        records: group.flatMap((j) => j.records),
        deletions: [],
        deliveryIds: group.map((j) => j.deliveryId),
      },
      { linker: deps.linker, now: new Date(receivedAt) },
    );
    for (const key of saved.changedTaskKeys) changed.add(key);
  }
  if (changed.size > 0) await deps.onTasksChanged([...changed]);
  return { kind: "push", changedTasks: changed.size };
}

async function runPushJob(deps: SyncJobDeps, job: PushJob): Promise<JobOutcome> {
  const source = sourceOf(deps, job);
  if (!source) return { kind: "push", changedTasks: 0 };
  const saved = await savePush(
    deps.db,
    source.connector,
    {
      scope: job.scope,
      records: job.records,
      deletions: job.deletions.map((d) => ({ ...d, at: d.at ? new Date(d.at) : null })),
      deliveryIds: [job.deliveryId],
    },
    { linker: deps.linker, now: new Date(job.receivedAt) },
  );
  if (saved.changedTaskKeys.length > 0) await deps.onTasksChanged(saved.changedTaskKeys);
  return { kind: "push", changedTasks: saved.changedTaskKeys.length };
}
