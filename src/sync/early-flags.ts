import type { SourceId } from "../model/kinds.ts";
import type { Db } from "../store/db.ts";
import { tasksCreatedSince } from "../store/task-queries.ts";

/**
 * Flags evaluated while a first read of history is under way, so that the inbox shows current work long
 * before a backfill of months ends.
 *
 * A connector that reads a scope newest first says with each page how far back it has read (`readBackTo`:
 * every record of the scope changed at or after it has been read). The run's frontier is the newest of those
 * over every scope of every source: at and after it, nothing anywhere is still to come. A scope that has not
 * said yet holds the frontier at "now"; a scope read to its end (or given up) no longer holds it.
 *
 * A task is evaluated early only once the frontier is at or before its creation, so its whole history is in:
 * a rule that an older item could contradict (an approval given before the work was done, a question
 * answered in another tool) never raises a flag that the rest of the backfill would take back. Tasks created
 * before the frontier wait, and every task the run changed is evaluated again at its end as before.
 */
export interface EarlyFlags {
  /** A source's scopes, once listed (an empty list when listing failed). */
  scopesListed(source: SourceId, scopes: readonly string[]): void;
  /** A page of a scope was saved: the tasks it changed, and how far back the scope is read (if said). */
  pageSaved(source: SourceId, scope: string, taskKeys: Iterable<string>, readBackTo: Date | undefined): void;
  /** A scope's pull ended in this run, whatever the outcome. */
  scopeEnded(source: SourceId, scope: string): void;
  /** Waits for an evaluation under way and stops the timer; nothing is evaluated after. */
  close(): Promise<void>;
  /** Tasks evaluated early so far (each counted once per evaluation). */
  readonly evaluated: number;
}

export interface EarlyFlagsOptions {
  db: Db;
  /** The sources of the run: the frontier waits for each to list its scopes. */
  sources: readonly SourceId[];
  /** Evaluates the flags of these tasks (the run's recompute, or the server's). */
  evaluate: (taskKeys: readonly string[]) => Promise<void>;
  /** Least time between two evaluations (default 5 s): a backfill saves pages far faster than that. */
  everyMs?: number;
  /** Where a failed evaluation is told; the run's own recompute at its end covers what it missed. */
  onError?: (err: unknown) => void;
}

/** "Not yet said": holds the frontier at now. */
const UNKNOWN = Number.POSITIVE_INFINITY;
/** Read to its end: holds nothing back. */
const DONE = Number.NEGATIVE_INFINITY;

export function createEarlyFlags(options: EarlyFlagsOptions): EarlyFlags {
  const everyMs = options.everyMs ?? 5_000;
  const frontiers = new Map<string, number>();
  const unlisted = new Set<SourceId>(options.sources);
  const pending = new Set<string>();
  // Only a run that reads some history newest first evaluates early; an incremental pass waits for its end.
  let started = false;
  let running: Promise<void> | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastAt = Number.NEGATIVE_INFINITY;
  let closed = false;
  let evaluated = 0;
  const keyOf = (source: SourceId, scope: string) => `${source}\u0000${scope}`;

  const frontier = (): number => {
    if (unlisted.size > 0) return UNKNOWN;
    let newest = DONE;
    for (const at of frontiers.values()) newest = Math.max(newest, at);
    return newest;
  };

  const evaluateNow = async (): Promise<void> => {
    const at = frontier();
    if (at === UNKNOWN || pending.size === 0) return;
    const keys = [...pending];
    const ready = at === DONE ? keys : await tasksCreatedSince(options.db, keys, new Date(at));
    if (ready.length === 0) return;
    for (const key of ready) pending.delete(key);
    await options.evaluate(ready);
    evaluated += ready.length;
  };

  const schedule = (): void => {
    if (closed || !started || running || timer || pending.size === 0) return;
    const wait = Math.max(0, lastAt + everyMs - performance.now());
    timer = setTimeout(() => {
      timer = null;
      lastAt = performance.now();
      running = evaluateNow()
        .catch((err: unknown) => options.onError?.(err))
        .finally(() => {
          running = null;
          schedule();
        });
    }, wait);
    timer.unref?.();
  };

  return {
    scopesListed(source, scopes) {
      unlisted.delete(source);
      for (const scope of scopes)
        if (!frontiers.has(keyOf(source, scope))) frontiers.set(keyOf(source, scope), UNKNOWN);
      schedule();
    },
    pageSaved(source, scope, taskKeys, readBackTo) {
      for (const key of taskKeys) pending.add(key);
      if (readBackTo) {
        started = true;
        frontiers.set(keyOf(source, scope), readBackTo.getTime());
      }
      schedule();
    },
    scopeEnded(source, scope) {
      frontiers.set(keyOf(source, scope), DONE);
      schedule();
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
    },
    get evaluated() {
      return evaluated;
    },
  };
}
