import type { Connector, ConnectorErrorKind, JsonValue, Page, PullReporter } from "../../connectors/types.ts";
import { ConnectorError } from "../../connectors/types.ts";
import { type RecomputeSummary, recomputeAfterChange } from "../flags/recompute.ts";
import type { LinkContext } from "../linking/index.ts";
import type { FlagSettings } from "../model/flag-settings.ts";
import type { SourceId } from "../model/kinds.ts";
import { loadCursors } from "../store/cursors.ts";
import type { Db } from "../store/db.ts";
import type { Linker } from "../store/item-links.ts";
import { savePage } from "../store/save-page.ts";
import { scopeTaskKeys } from "../store/scope-task-keys.ts";
import {
  clearFlagsPending,
  markFlagsPending,
  markScopeRead,
  markScopeUnreadable,
  saveScopes,
} from "../store/scopes.ts";
import { createLinker } from "./linker.ts";
import { toPageWriteWithCursor } from "./to-page-write.ts";

/** A configured source: its connector and the settings `fromEnv` gave. */
export interface SyncSource {
  connector: Connector;
  settings: unknown;
}

export type SyncMode = "backfill" | "sync";

/** What a progress display hears. Every method is optional. */
export interface SyncObserver {
  sourceStarted?(source: SourceId): void;
  progress?(source: SourceId, progress: SourceProgress): void;
  sourceFinished?(report: SourceReport): void;
}

/** A source's progress so far in this run. */
export interface SourceProgress {
  items: number;
  pages: number;
  requests: number;
  /** About how many items this run will see in all, when the connector said; null when unknown. */
  estimate: number | null;
  scopes: number;
  scopesDone: number;
  /** Why the source is not moving right now (`waiting for rate limit until 14:02:11`), or null. */
  status: string | null;
  startedAt: number;
}

export type ScopeOutcome = "ok" | "forbidden" | "not_found" | "failed" | "stopped";

export interface ScopeReport {
  scope: string;
  outcome: ScopeOutcome;
  pages: number;
  items: number;
  error: string | null;
}

export interface SyncError {
  scope: string | null;
  kind: ConnectorErrorKind | "internal" | "stopped";
  message: string;
}

/** One source's summary of a run. */
export interface SourceReport {
  source: SourceId;
  ok: boolean;
  tasksNew: number;
  tasksUpdated: number;
  tasksDeleted: number;
  itemsNew: number;
  itemsUpdated: number;
  itemsDeleted: number;
  linksAdded: number;
  linksRemoved: number;
  pages: number;
  requests: number;
  retries: number;
  durationMs: number;
  scopes: ScopeReport[];
  errors: SyncError[];
}

export interface SyncReport {
  mode: SyncMode;
  /** True when every source succeeded. */
  ok: boolean;
  startedAt: Date;
  durationMs: number;
  sources: SourceReport[];
  /** Tasks whose row, items or links changed in this run: what the flag engine re-evaluates. */
  changedTaskKeys: Set<string>;
  /**
   * The flags of the changed tasks evaluated again at the end of the run (when `flagSettings` was given and
   * a task changed): what it did, or why it failed (the saved pages stand; the next run catches up).
   */
  flags?: { ok: true; summary: RecomputeSummary } | { ok: false; error: string };
}

export interface RetryPolicy {
  /** Tries of a scope without a committed page in between before it is reported failed (default 5). */
  attempts: number;
  /** First wait after a transient error, doubled each time (default 1 s). */
  baseDelayMs: number;
  /** Longest wait, for transient errors and for a rate limit's reset (default 15 min). */
  maxDelayMs: number;
}

export interface RunSyncOptions {
  db: Db;
  sources: readonly SyncSource[];
  mode: SyncMode;
  /** Backfill: how far back to pull (a connector's own default when null). */
  since?: Date | null;
  /** What the linker knows of the configured sources (see `toLinkContext`); or a linker of its own. */
  linkContext?: LinkContext;
  linker?: Linker;
  /** The clock. Every time the engine writes comes from it. */
  now?: () => Date;
  observer?: SyncObserver;
  /** Stops the run after the pages in flight are committed. */
  signal?: AbortSignal;
  retry?: Partial<RetryPolicy>;
  /** How many scopes of one source are pulled at once (default 4). Sources always run side by side. */
  scopeConcurrency?: number;
  /**
   * How many pages are saved at once across all sources (default 8, inside the pool of 10 connections): a
   * page's transaction waits on round trips more than on the server, so several in flight keep it busy,
   * while a backfill of hundreds of scopes does not open hundreds of transactions.
   */
  writeConcurrency?: number;
  /** How the engine waits (tests make it instant). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /**
   * When given, the run ends by evaluating the flags of the tasks it changed (`recomputeAfterChange`), so a
   * backfill or sync leaves them up to date. A caller that recomputes on its own (the server's
   * `onTasksChanged`) leaves it out.
   */
  flagSettings?: FlagSettings;
  /**
   * Only these scopes of a source, without asking it for its list (a queued job pulls one scope). Sources
   * not named here pull all their scopes.
   */
  scopes?: Partial<Record<SourceId, readonly string[]>>;
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 1_000, maxDelayMs: 15 * 60_000 };

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/** A function that runs work with at most `limit` pieces in flight, the others waiting their turn in order. */
function createLimiter(limit: number): <T>(work: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async (work) => {
    if (active >= Math.max(1, limit)) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

/** Runs `work` over `list` with at most `limit` at a time. */
async function eachLimited<T>(
  list: readonly T[],
  limit: number,
  work: (t: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, list.length)) }, async () => {
    while (next < list.length) {
      const t = list[next++]!;
      await work(t);
    }
  });
  await Promise.all(lanes);
}

const clockTime = (d: Date) => d.toISOString().slice(11, 19);

/** A pull's failure as a typed error; anything a connector did not classify is `invalid` (a bug to report). */
function asConnectorError(source: SourceId, err: unknown): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ConnectorError(source, "invalid", `unexpected error while pulling: ${message}`, { cause: err });
}

/**
 * One backfill or incremental pass over the given sources. Sources run side by side, and each one's scopes
 * a few at a time; a failing source is reported and the others finish. Every page is saved in one
 * transaction with its cursor, so a run killed at any moment resumes where it stopped; transient errors and
 * rate limits resume from the last committed page after a wait. A scope the token can no longer read is
 * marked (`source_scopes.status`) and its items are kept.
 */
export async function runSync(options: RunSyncOptions): Promise<SyncReport> {
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  const started = performance.now();
  const linker = options.linker ?? createLinker(options.linkContext ?? emptyLinkContext());
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const sleep = options.sleep ?? abortableSleep;
  const writeSlot = createLimiter(options.writeConcurrency ?? 8);
  const changedTaskKeys = new Set<string>();
  const flagScopes: FlagScopes = { marked: [], leftOver: [] };
  const outer = options.signal ?? new AbortController().signal;

  const reports = await Promise.all(
    options.sources.map((source) =>
      runSource({
        ...options,
        source,
        now,
        runStartedAt: startedAt,
        linker,
        retry,
        sleep,
        outer,
        changedTaskKeys,
        flagScopes,
        writeSlot,
      }),
    ),
  );
  const report: SyncReport = {
    mode: options.mode,
    ok: reports.every((r) => r.ok),
    startedAt,
    durationMs: 0,
    sources: reports,
    changedTaskKeys,
  };
  // Also after a stopped or partly failed run: every page it committed is on the timelines.
  if (options.flagSettings) {
    try {
      // Scopes a run before left unevaluated (it died between its pages and its flags): all their tasks.
      const keys = new Set(changedTaskKeys);
      for (const { source, scope } of flagScopes.leftOver)
        for (const key of await scopeTaskKeys(options.db, source, scope)) keys.add(key);
      const summary = await recomputeAfterChange(options.db, keys, options.flagSettings, now());
      await clearFlagsPending(options.db, flagScopes.marked);
      if (summary) report.flags = { ok: true, summary };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      report.flags = {
        ok: false,
        error: `[threadline] [flags] could not evaluate the changed tasks: ${message}`,
      };
    }
  }
  report.durationMs = Math.round(performance.now() - started);
  return report;
}

export function emptyLinkContext(): LinkContext {
  return { jiraProjects: [], jiraSiteUrls: [], githubRepos: [], githubWebUrls: [] };
}

/** The scopes a run that evaluates flags marked, and those it found marked by a run that died. */
interface FlagScopes {
  marked: number[];
  leftOver: Array<{ source: SourceId; scope: string }>;
}

interface SourceRun extends RunSyncOptions {
  source: SyncSource;
  now: () => Date;
  runStartedAt: Date;
  linker: Linker;
  retry: RetryPolicy;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  outer: AbortSignal;
  changedTaskKeys: Set<string>;
  flagScopes: FlagScopes;
  writeSlot: <T>(work: () => Promise<T>) => Promise<T>;
}

async function runSource(run: SourceRun): Promise<SourceReport> {
  const { connector, settings } = run.source;
  const id = connector.id;
  const started = performance.now();
  const report: SourceReport = {
    source: id,
    ok: true,
    tasksNew: 0,
    tasksUpdated: 0,
    tasksDeleted: 0,
    itemsNew: 0,
    itemsUpdated: 0,
    itemsDeleted: 0,
    linksAdded: 0,
    linksRemoved: 0,
    pages: 0,
    requests: 0,
    retries: 0,
    durationMs: 0,
    scopes: [],
    errors: [],
  };
  // Aborted by the caller, or by an auth error on any scope: the token is bad for all of them.
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort();
  run.outer.addEventListener("abort", onOuterAbort, { once: true });
  const signal = controller.signal;

  const progress: SourceProgress = {
    items: 0,
    pages: 0,
    requests: 0,
    estimate: null,
    scopes: 0,
    scopesDone: 0,
    status: null,
    startedAt: Date.now(),
  };
  const estimates = new Map<string, number>();
  const itemsByScope = new Map<string, number>();
  const waiting = new Map<string, Date>();
  const emit = () => {
    let total = 0;
    let known = false;
    for (const scope of new Set([...estimates.keys(), ...itemsByScope.keys()])) {
      const seen = itemsByScope.get(scope) ?? 0;
      const estimate = estimates.get(scope);
      if (estimate !== undefined) known = true;
      total += Math.max(estimate ?? seen, seen);
    }
    progress.estimate = known ? total : null;
    const until = [...waiting.values()].sort((a, b) => b.getTime() - a.getTime())[0];
    progress.status = until ? `waiting for rate limit until ${clockTime(until)}` : null;
    run.observer?.progress?.(id, { ...progress });
  };
  const reporterFor = (scope: string): PullReporter => ({
    estimate: (n) => {
      estimates.set(scope, n);
      emit();
    },
    waiting: (until) => {
      if (until) waiting.set(scope, until);
      else waiting.delete(scope);
      emit();
    },
    requests: (n = 1) => {
      report.requests += n;
      progress.requests += n;
    },
  });
  run.observer?.sourceStarted?.(id);

  try {
    let scopes: string[] = [...(run.scopes?.[id] ?? [])];
    for (let attempt = 1; !run.scopes?.[id]; attempt++) {
      try {
        scopes = await connector.listScopes(settings, { signal, report: reporterFor("") });
        break;
      } catch (err) {
        const error = asConnectorError(id, err);
        if (!error.retryable || attempt >= run.retry.attempts || signal.aborted) throw error;
        report.retries++;
        await waitBeforeRetry(run, error, attempt, signal, (until) => reporterFor("").waiting(until));
      }
    }
    const scopeIds = await saveScopes(run.db, id, scopes, run.now());
    if (run.flagSettings) {
      const ids = [...scopeIds.values()];
      const leftOver = new Set(await markFlagsPending(run.db, ids, run.runStartedAt));
      run.flagScopes.marked.push(...ids);
      for (const [scope, scopeId] of scopeIds)
        if (leftOver.has(scopeId)) run.flagScopes.leftOver.push({ source: id, scope });
    }
    progress.scopes = scopes.length;
    emit();

    await eachLimited(scopes, run.scopeConcurrency ?? 4, async (scope) => {
      const scopeReport: ScopeReport = { scope, outcome: "ok", pages: 0, items: 0, error: null };
      report.scopes.push(scopeReport);
      const scopeId = scopeIds.get(scope)!;
      const reporter = reporterFor(scope);
      let failures = 0;
      for (;;) {
        if (signal.aborted) {
          scopeReport.outcome = "stopped";
          break;
        }
        let error: ConnectorError | undefined;
        try {
          const cursors = await loadCursors(run.db, scopeId);
          const pages = connector.pull({
            settings,
            scope,
            mode: run.mode,
            since: run.since ?? null,
            cursors: cursors as Readonly<Record<string, JsonValue>>,
            now: run.runStartedAt,
            signal,
            report: reporter,
          });
          const iterator = pages[Symbol.asyncIterator]();
          for (;;) {
            let next: IteratorResult<Page>;
            try {
              next = await iterator.next();
            } catch (err) {
              error = asConnectorError(id, err);
              break;
            }
            if (next.done) break;
            const write = toPageWriteWithCursor(connector, scopeId, next.value);
            const saved = await run.writeSlot(() =>
              savePage(run.db, write, { now: run.now(), linker: run.linker }),
            );
            failures = 0;
            report.pages++;
            scopeReport.pages++;
            report.tasksNew += saved.tasksNew;
            report.tasksUpdated += saved.tasksUpdated;
            report.tasksDeleted += saved.tasksDeleted;
            report.itemsNew += saved.itemsNew;
            report.itemsUpdated += saved.itemsUpdated;
            report.itemsDeleted += saved.itemsDeleted;
            report.linksAdded += saved.linksAdded;
            report.linksRemoved += saved.linksRemoved;
            for (const key of saved.changedTaskKeys) run.changedTaskKeys.add(key);
            scopeReport.items += write.items.length;
            itemsByScope.set(scope, (itemsByScope.get(scope) ?? 0) + write.items.length);
            progress.items += write.items.length;
            progress.pages++;
            waiting.delete(scope);
            emit();
            if (signal.aborted) {
              await iterator.return?.();
              break;
            }
          }
        } catch (err) {
          // A mapper that cannot read a record (a ConnectorError of kind `invalid`), or the database failing:
          // not something a retry fixes.
          if (err instanceof ConnectorError) error = err;
          else {
            const message = `[threadline] [${id}] could not save a page of ${scope}: ${err instanceof Error ? err.message : String(err)}`;
            scopeReport.outcome = "failed";
            scopeReport.error = message;
            report.errors.push({ scope, kind: "internal", message });
            break;
          }
        }
        if (!error) {
          if (signal.aborted) {
            scopeReport.outcome = "stopped";
            break;
          }
          await markScopeRead(run.db, scopeId, run.now());
          break;
        }
        if (error.retryable && failures + 1 < run.retry.attempts && !signal.aborted) {
          failures++;
          report.retries++;
          await waitBeforeRetry(run, error, failures, signal, (until) => reporter.waiting(until));
          continue;
        }
        scopeReport.error = error.message;
        report.errors.push({ scope, kind: error.kind, message: error.message });
        if (error.kind === "forbidden" || error.kind === "not_found") {
          scopeReport.outcome = error.kind;
          await markScopeUnreadable(run.db, scopeId, error.kind, error.message);
        } else {
          scopeReport.outcome = "failed";
          if (error.kind === "auth") controller.abort();
        }
        break;
      }
      waiting.delete(scope);
      progress.scopesDone++;
      emit();
    });
  } catch (err) {
    const error = asConnectorError(id, err);
    report.errors.push({ scope: null, kind: error.kind, message: error.message });
  } finally {
    run.outer.removeEventListener("abort", onOuterAbort);
  }
  if (run.outer.aborted) {
    report.errors.push({
      scope: null,
      kind: "stopped",
      message: `[threadline] [${id}] stopped before the end`,
    });
  }
  report.scopes.sort((a, b) => (a.scope < b.scope ? -1 : a.scope > b.scope ? 1 : 0));
  report.ok = report.errors.length === 0;
  report.durationMs = Math.round(performance.now() - started);
  run.observer?.sourceFinished?.(report);
  return report;
}

async function waitBeforeRetry(
  run: SourceRun,
  error: ConnectorError,
  attempt: number,
  signal: AbortSignal,
  showWaiting: (until: Date | null) => void,
): Promise<void> {
  let ms = Math.min(run.retry.baseDelayMs * 2 ** (attempt - 1), run.retry.maxDelayMs);
  if (error.kind === "rate_limit" && error.retryAt) {
    ms = Math.min(Math.max(0, error.retryAt.getTime() - run.now().getTime()), run.retry.maxDelayMs);
    showWaiting(error.retryAt);
  }
  await run.sleep(ms, signal);
  showWaiting(null);
}
