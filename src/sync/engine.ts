import { abortableSleep } from "../../connectors/kit/abortable-sleep.ts";
import type { Connector, ConnectorErrorKind } from "../../connectors/types.ts";
import type { FlagSettings } from "../flags/flag-settings.ts";
import { type RecomputeSummary, recomputeAfterChange } from "../flags/recompute.ts";
import type { LinkContext } from "../linking/index.ts";
import type { SourceId } from "../model/kinds.ts";
import type { PeopleFileEntry } from "../model/people-file.ts";
import type { Db } from "../store/db.ts";
import type { Linker } from "../store/item-links.ts";
import { reconcilePeople } from "../store/reconcile-people.ts";
import { scopeTaskKeys } from "../store/scope-task-keys.ts";
import { clearFlagsPending } from "../store/scopes.ts";
import { createLimiter } from "./concurrency.ts";
import { withConnectedMailboxes } from "./connected-mailboxes.ts";
import { createEarlyFlags, type EarlyFlags } from "./early-flags.ts";
import { createLinker } from "./linker.ts";
import type { PageMapper } from "./page-mapper.ts";
import { type FlagScopes, runSource } from "./run-source.ts";

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
  /**
   * Tasks whose flags were evaluated while the run was still reading history newest first (see
   * `early-flags.ts`); 0 when nothing was evaluated early.
   */
  flagsEvaluatedEarly?: number;
  /** Why joining people after the pages failed (the pages stand; the next pass tries again). */
  peopleError?: string;
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
  /**
   * How pages are mapped: in place by default; Node's entry points pass a thread with a time budget per record
   * (`sharedThreadMapper`), so that one pathological body cannot hold up the process.
   */
  mapper?: PageMapper;
  /** How the engine waits (tests make it instant). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /**
   * When given, the run ends by evaluating the flags of the tasks it changed (`recomputeAfterChange`), so a
   * backfill or sync leaves them up to date. A caller that recomputes on its own (the server's
   * `onTasksChanged`) leaves it out.
   */
  flagSettings?: FlagSettings;
  /**
   * While a scope's history is read newest first, evaluates the flags of tasks whose whole history is in
   * already, so the inbox fills long before a backfill ends (`early-flags.ts`). Default: the recompute of
   * `flagSettings` when given; a caller that recomputes on its own passes its recompute here.
   */
  evaluateEarly?: (taskKeys: readonly string[]) => Promise<void>;
  /** Least time between two early evaluations (default 5 s). */
  earlyFlagsEveryMs?: number;
  /**
   * Only these scopes of a source, without asking it for its list (a queued job pulls one scope). Sources
   * not named here pull all their scopes.
   */
  scopes?: Partial<Record<SourceId, readonly string[]>>;
  /**
   * The people file. After the pages, every pass joins people by it and by emails the sources vouched for
   * since (`reconcilePeople`); the tasks whose people changed count as changed.
   */
  people?: readonly PeopleFileEntry[];
  /**
   * THREADLINE_SECRET_KEY: opens the grants of the mailboxes people connected, which the run reads as scopes
   * of the Gmail source. Without it those mailboxes are not read (and the Gmail report says why).
   */
  secretKey?: string | undefined;
  /**
   * The team's email domains: a connected mailbox keeps mail that involves anyone outside them (default: the
   * flag settings' domains).
   */
  teamDomains?: readonly string[];
  /**
   * When the schedule that runs this pass runs the next one (the Worker's cron), stored for `threadline
   * status`; null when passes run only on request. Left out, the stored time is kept.
   */
  nextPassAt?: Date | null;
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 1_000, maxDelayMs: 15 * 60_000 };

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

  const connected = await withConnectedMailboxes(options.db, options.sources, options.secretKey);
  const earlyFlags = toEarlyFlags(options, connected.sources, now);
  const reports = await Promise.all(
    connected.sources.map((source) =>
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
        earlyFlags,
      }),
    ),
  );
  await earlyFlags?.close();
  for (const message of connected.problems) {
    const gmail = reports.find((r) => r.source === "gmail");
    if (!gmail) continue;
    gmail.errors.push({ scope: null, kind: "invalid", message });
    gmail.ok = false;
  }
  const report: SyncReport = {
    mode: options.mode,
    ok: reports.every((r) => r.ok),
    startedAt,
    durationMs: 0,
    sources: reports,
    changedTaskKeys,
  };
  if (earlyFlags && earlyFlags.evaluated > 0) report.flagsEvaluatedEarly = earlyFlags.evaluated;
  // Once per pass, not per page: the identities of every page are in by now. A pass stopped at its time
  // budget or by a shutdown leaves it to the pass that goes on from its cursors.
  const stopped = outer.aborted || reports.some((r) => r.scopes.some((sc) => sc.outcome === "stopped"));
  if (!stopped) {
    try {
      for (const key of await reconcilePeople(options.db, { people: options.people ?? [], now: now() }))
        changedTaskKeys.add(key);
    } catch (err) {
      report.peopleError = `[threadline] [people] could not join people: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  // Also after a stopped or partly failed run: every page it committed is on the timelines.
  if (options.flagSettings) {
    const flags = await recomputeFlagsOfRun(
      options.db,
      options.flagSettings,
      changedTaskKeys,
      flagScopes,
      now(),
    );
    if (flags) report.flags = flags;
  }
  report.durationMs = Math.round(performance.now() - started);
  return report;
}

/**
 * Evaluates the flags of the tasks a run changed, and of every task in the scopes a run before left
 * unevaluated (it died between its pages and its flags); then clears the marks. Null when nothing was
 * evaluated; a failure is returned, not thrown: the saved pages stand and the next run catches up.
 */
async function recomputeFlagsOfRun(
  db: Db,
  settings: FlagSettings,
  changedTaskKeys: ReadonlySet<string>,
  flagScopes: FlagScopes,
  now: Date,
): Promise<SyncReport["flags"] | null> {
  try {
    const keys = new Set(changedTaskKeys);
    for (const { source, scope } of flagScopes.leftOver)
      for (const key of await scopeTaskKeys(db, source, scope)) keys.add(key);
    const summary = await recomputeAfterChange(db, keys, settings, now);
    await clearFlagsPending(db, flagScopes.marked);
    return summary ? { ok: true, summary } : null;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { ok: false, error: `[threadline] [flags] could not evaluate the changed tasks: ${message}` };
  }
}

/** The run's early evaluation, when it has a way to evaluate flags. */
function toEarlyFlags(
  options: RunSyncOptions,
  sources: readonly SyncSource[],
  now: () => Date,
): EarlyFlags | null {
  const { flagSettings, db } = options;
  const evaluate =
    options.evaluateEarly ??
    (flagSettings
      ? async (keys: readonly string[]) => {
          await recomputeAfterChange(db, keys, flagSettings, now());
        }
      : null);
  if (!evaluate) return null;
  return createEarlyFlags({
    db,
    sources: sources.map((s) => s.connector.id),
    evaluate,
    ...(options.earlyFlagsEveryMs !== undefined ? { everyMs: options.earlyFlagsEveryMs } : {}),
  });
}

export function emptyLinkContext(): LinkContext {
  return { jiraProjects: [], jiraSiteUrls: [], githubRepos: [], githubWebUrls: [] };
}
