import { nextTurn } from "../next-turn.ts";
import { loadTaskKeysAfter } from "../store/all-task-keys.ts";
import type { Db } from "../store/db.ts";
import {
  loadFlagsOfTasks,
  type SaveFlagsResult,
  type StoredFlag,
  saveFlags,
  saveOrphanFlagsResolved,
} from "../store/flag-store.ts";
import { loadTaskSnapshots } from "../store/load-task-snapshots.ts";
import { loadPullRequestNeighbours } from "../store/pull-request-work.ts";
import {
  loadWakeable,
  saveDoneTakenBack,
  saveWokenSnoozes,
  type Wakeable,
} from "../store/wake-on-activity.ts";
import type { FlagSettings } from "./flag-settings.ts";
import type { RaisedFlag } from "./raised-flag.ts";
import { evaluateTaskFlags, toRuleContext } from "./rules/evaluate.ts";

export interface RecomputeOptions {
  /**
   * The tasks that changed; all tasks when absent (streamed in batches). A changed task's pull requests and a
   * changed pull request's tasks are evaluated too: a review on a pull request can approve its task, an answer
   * on the task answers its pull request's question.
   */
  taskKeys?: readonly string[];
  now: Date;
  settings: FlagSettings;
  /** Tasks per batch: one load, one evaluation and one save each. Default 1000. */
  batchSize?: number;
  /** Called after each batch is saved. */
  onBatch?: (progress: { tasks: number; flags: number }) => void;
}

export interface RecomputeSummary extends SaveFlagsResult {
  /** Tasks evaluated (deleted and unknown ones only have their flags resolved). */
  tasks: number;
  /** Flags the tasks raise now. */
  raised: number;
  /** Snoozed flags opened early by activity on their task newer than the snooze. */
  woken: number;
  /** Tasks whose "marked done" in the inbox was taken back by newer activity. */
  undone: number;
  ms: number;
  /**
   * Where the time went: waiting for snapshots (loads overlap with work), evaluating, waiting for writes (a
   * batch's writes overlap with the next batch's evaluation).
   */
  phases: { waitLoadMs: number; evaluateMs: number; saveMs: number };
}

/** How long evaluating a batch runs before it lets the event loop answer what waits. */
const YIELD_AFTER_MS = 10;

/**
 * Recomputes the flags of the tasks that changed (or of every task), and stores them with their lifecycle
 * (see `saveFlags`), then wakes the batch's snoozed flags and "marked done" tasks that have newer activity.
 * Batches are pipelined: the next one loads while the current one is evaluated, and a batch's writes run
 * while the next one is evaluated.
 * A full recompute also resolves the flags of tasks that no longer exist.
 */
export async function recomputeFlags(db: Db, options: RecomputeOptions): Promise<RecomputeSummary> {
  const started = performance.now();
  const batchSize = options.batchSize ?? 1000;
  const ctx = toRuleContext(options);
  const summary: RecomputeSummary = {
    tasks: 0,
    raised: 0,
    woken: 0,
    undone: 0,
    opened: 0,
    reopened: 0,
    updated: 0,
    resolved: 0,
    unchanged: 0,
    ms: 0,
    phases: { waitLoadMs: 0, evaluateMs: 0, saveMs: 0 },
  };
  let given: string[] | undefined;
  if (options.taskKeys) {
    given = [...new Set(options.taskKeys)];
    given.push(...(await loadPullRequestNeighbours(db, given)));
  }
  const pages = given ? givenPages(given, batchSize) : allTaskPages(db, batchSize);
  const load = async (keys: string[] | undefined) =>
    keys
      ? await Promise.all([
          loadTaskSnapshots(db, keys, options.settings),
          loadFlagsOfTasks(db, keys),
          loadWakeable(db, keys),
        ]).then(([snapshots, existing, wakeable]) => ({ keys, snapshots, existing, wakeable }))
      : undefined;
  /** Stores a batch's flags, then wakes what newer activity takes back; runs while the next batch is evaluated. */
  const persist = async (
    keys: string[],
    tasks: number,
    flags: RaisedFlag[],
    existing: StoredFlag[],
    wakeable: Wakeable,
  ) => {
    const saved = await saveFlags(db, { taskKeys: keys, flags, now: options.now, existing });
    const [woken, undone] = await Promise.all([
      wakeable.snoozed ? saveWokenSnoozes(db, keys, options.now) : 0,
      wakeable.done ? saveDoneTakenBack(db, keys, options.now) : 0,
    ]);
    summary.woken += woken;
    summary.undone += undone;
    summary.tasks += tasks;
    summary.raised += flags.length;
    summary.opened += saved.opened;
    summary.reopened += saved.reopened;
    summary.updated += saved.updated;
    summary.resolved += saved.resolved;
    summary.unchanged += saved.unchanged;
    options.onBatch?.({ tasks: summary.tasks, flags: summary.raised });
  };
  let next = load((await pages.next()).value ?? undefined);
  let saving: Promise<void> = Promise.resolve();
  for (;;) {
    let mark = performance.now();
    const batch = await next;
    summary.phases.waitLoadMs += performance.now() - mark;
    if (!batch) break;
    const following = pages.next().then((r) => (r.done ? undefined : r.value));
    next = following.then(load);
    // Surface a failed prefetch together with the batch's own failure, never as an unhandled rejection.
    next.catch(() => {});
    const flags: RaisedFlag[] = [];
    mark = performance.now();
    let yielded = performance.now();
    for (const snapshot of batch.snapshots) {
      flags.push(...evaluateTaskFlags(snapshot, ctx));
      // The web shares this thread: a batch of tasks with long texts lets it answer every few milliseconds.
      if (performance.now() - yielded > YIELD_AFTER_MS) {
        await nextTurn();
        yielded = performance.now();
      }
    }
    summary.phases.evaluateMs += performance.now() - mark;
    // One batch's writes in flight at a time; a failed one fails the recompute here.
    mark = performance.now();
    await saving;
    summary.phases.saveMs += performance.now() - mark;
    saving = persist(batch.keys, batch.snapshots.length, flags, batch.existing, batch.wakeable);
    saving.catch(() => {});
  }
  const mark = performance.now();
  await saving;
  summary.phases.saveMs += performance.now() - mark;
  if (!options.taskKeys) {
    summary.resolved += await saveOrphanFlagsResolved(db, options.now);
  }
  summary.ms = performance.now() - started;
  for (const k of ["waitLoadMs", "evaluateMs", "saveMs"] as const)
    summary.phases[k] = Math.round(summary.phases[k]);
  return summary;
}

async function* givenPages(keys: string[], size: number): AsyncGenerator<string[]> {
  for (let i = 0; i < keys.length; i += size) yield keys.slice(i, i + size);
}

/** Every task key, deleted ones included (their flags get resolved), in key order. */
async function* allTaskPages(db: Db, size: number): AsyncGenerator<string[]> {
  let after: string | null = null;
  for (;;) {
    const keys = await loadTaskKeysAfter(db, after, size);
    if (keys.length === 0) return;
    yield keys;
    after = keys.at(-1)!;
    if (keys.length < size) return;
  }
}

/**
 * Brings the flags of the tasks a change touched up to date: call it after anything saved items, tasks or
 * links (a sync run, a webhook push, a manual link or merge) with the task keys that change reports
 * (`SyncReport.changedTaskKeys`, `PageWriteResult.changedTaskKeys`). Only those tasks are loaded and evaluated;
 * the flags they no longer raise are resolved, snoozes and dismissals are kept (see `saveFlags`), except that
 * activity newer than a snooze or a "marked done" takes it back (see `saveWokenSnoozes`, `saveDoneTakenBack`).
 * Nothing is done, and null returned, when no task changed. `settings` come from `loadFlagSettings` once at
 * start-up.
 */
export async function recomputeAfterChange(
  db: Db,
  taskKeys: Iterable<string>,
  settings: FlagSettings,
  now: Date,
): Promise<RecomputeSummary | null> {
  const keys = [...new Set(taskKeys)];
  if (keys.length === 0) return null;
  return recomputeFlags(db, { taskKeys: keys, now, settings });
}
