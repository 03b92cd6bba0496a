import { isConnectedScope } from "../../connectors/gmail/config.ts";
import type { JsonValue, PulledPage, PullReporter } from "../../connectors/types.ts";
import { ConnectorError } from "../../connectors/types.ts";
import type { SourceId } from "../model/kinds.ts";
import { loadCursors } from "../store/cursors.ts";
import type { Linker } from "../store/item-links.ts";
import { type PageWriteResult, savePage } from "../store/save-page.ts";
import { markFlagsPending, markScopeRead, markScopeUnreadable, saveScopes } from "../store/scopes.ts";
import { saveScopePassEnd, saveSourcePassEnd } from "../store/source-states.ts";
import { eachLimited } from "./concurrency.ts";
import { keepWorkMail } from "./connected-mailboxes.ts";
import type { EarlyFlags } from "./early-flags.ts";
import type { RetryPolicy, RunSyncOptions, ScopeReport, SourceReport, SyncSource } from "./engine.ts";
import { createSourceProgress, type SourceProgressTracker } from "./source-progress.ts";
import { toPageWriteWithCursor } from "./to-page-write.ts";

/** The scopes a run that evaluates flags marked, and those it found marked by a run that died. */
export interface FlagScopes {
  marked: number[];
  leftOver: Array<{ source: SourceId; scope: string }>;
}

/** One source's share of a run: the run's options, and what the run's sources share. */
export interface SourceRun extends RunSyncOptions {
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
  /** Flags evaluated while history is still being read; null when the run evaluates none. */
  earlyFlags: EarlyFlags | null;
}

/** What the pulls of one source's scopes share while the source runs. */
interface SourcePass {
  run: SourceRun;
  id: SourceId;
  report: SourceReport;
  progress: SourceProgressTracker;
  /** Aborted by the caller, or by an auth error on any scope: the token is bad for all of them. */
  controller: AbortController;
  /**
   * Whether the source has answered in this pass (a page saved or a scope read to its end). Until it has, a
   * host that cannot be reached fails the whole source at once; after, it is retried like a dropped
   * connection.
   */
  reached: boolean;
  /** The error that stopped every scope of the source (a bad token, an API root that never answered). */
  fatal: ConnectorError | null;
}

/** The counts a saved page adds to its source's report. */
const PAGE_COUNTS = [
  "tasksNew",
  "tasksUpdated",
  "tasksDeleted",
  "itemsNew",
  "itemsUpdated",
  "itemsDeleted",
  "linksAdded",
  "linksRemoved",
] as const satisfies ReadonlyArray<keyof PageWriteResult & keyof SourceReport>;

/**
 * One source's part of a run: lists its scopes (or takes those the run names), saves them, pulls them a few
 * at a time, and reports. A failure of the source as a whole is in the report, never thrown.
 */
export async function runSource(run: SourceRun): Promise<SourceReport> {
  const id = run.source.connector.id;
  const started = performance.now();
  const report = toEmptySourceReport(id);
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort();
  run.outer.addEventListener("abort", onOuterAbort, { once: true });
  const progress = createSourceProgress(id, report, run.observer);
  const pass: SourcePass = { run, id, report, progress, controller, reached: false, fatal: null };
  run.observer?.sourceStarted?.(id);

  try {
    const named = run.scopes?.[id];
    const scopes = named ? [...named] : await pullScopeList(pass);
    const scopeIds = await saveScopeList(pass, scopes);
    run.earlyFlags?.scopesListed(id, scopes);
    progress.scopesListed(scopes.length);
    await eachLimited(scopes, run.scopeConcurrency ?? 4, (scope) =>
      pullScope(pass, scope, scopeIds.get(scope)!),
    );
  } catch (err) {
    const error = asConnectorError(id, err);
    pass.fatal ??= error;
    report.errors.push({ scope: null, kind: error.kind, message: error.message });
    // Nothing more comes from this source in this run: it holds no early flags back.
    run.earlyFlags?.scopesListed(id, []);
    for (const sc of report.scopes) run.earlyFlags?.scopeEnded(id, sc.scope);
  } finally {
    run.outer.removeEventListener("abort", onOuterAbort);
  }
  if (run.outer.aborted) {
    report.errors.push({
      scope: null,
      kind: "stopped",
      message: `[threadline] [${id}] stopped before the end`,
    });
  } else {
    await saveSourceState(pass);
  }
  report.scopes.sort((a, b) => (a.scope < b.scope ? -1 : a.scope > b.scope ? 1 : 0));
  report.ok = report.errors.length === 0;
  report.durationMs = Math.round(performance.now() - started);
  run.observer?.sourceFinished?.(report);
  return report;
}

/** What `threadline status` shows of the source after this pass; a failure to store it is reported. */
async function saveSourceState(pass: SourcePass): Promise<void> {
  const { run, id, report } = pass;
  try {
    await saveSourcePassEnd(run.db, id, {
      at: run.now(),
      ok: report.errors.length === 0 && report.scopes.every((sc) => sc.outcome === "ok"),
      error: pass.fatal ? { message: pass.fatal.message, kind: pass.fatal.kind } : null,
      ...(run.nextPassAt !== undefined ? { nextRunAt: run.nextPassAt } : {}),
    });
  } catch (err) {
    const message = `[threadline] [${id}] could not store the source's state: ${err instanceof Error ? err.message : String(err)}`;
    report.errors.push({ scope: null, kind: "internal", message });
  }
}

function toEmptySourceReport(source: SourceId): SourceReport {
  return {
    source,
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
}

function toDate(at: string | undefined): Date | undefined {
  if (at === undefined) return undefined;
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** A pull's failure as a typed error; anything a connector did not classify is `invalid` (a bug to report). */
function asConnectorError(source: SourceId, err: unknown): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ConnectorError(source, "invalid", `unexpected error while pulling: ${message}`, { cause: err });
}

/** The source's scopes, as its connector lists them; transient errors are retried after a wait. */
async function pullScopeList(pass: SourcePass): Promise<string[]> {
  const { run, id, report, progress } = pass;
  const { connector, settings } = run.source;
  const signal = pass.controller.signal;
  for (let attempt = 1; ; attempt++) {
    try {
      return await connector.listScopes(settings, { signal, report: progress.reporterFor("") });
    } catch (err) {
      const error = asConnectorError(id, err);
      if (!error.retryable || error.kind === "unreachable" || attempt >= run.retry.attempts || signal.aborted)
        throw error;
      report.retries++;
      await waitBeforeRetry(run, error, attempt, signal, (until) => progress.reporterFor("").waiting(until));
    }
  }
}

/**
 * Saves the source's scopes, and when the run evaluates flags marks them pending, noting those a run that died
 * had left marked. Returns each scope's id.
 */
async function saveScopeList(pass: SourcePass, scopes: string[]): Promise<Map<string, number>> {
  const { run, id } = pass;
  const scopeIds = await saveScopes(run.db, id, scopes, run.now());
  if (run.flagSettings) {
    const ids = [...scopeIds.values()];
    const leftOver = new Set(await markFlagsPending(run.db, ids, run.runStartedAt));
    run.flagScopes.marked.push(...ids);
    for (const [scope, scopeId] of scopeIds)
      if (leftOver.has(scopeId)) run.flagScopes.leftOver.push({ source: id, scope });
  }
  return scopeIds;
}

/**
 * Pulls one scope to its end: a transient error or a rate limit resumes from the last committed page after a
 * wait, until `retry.attempts` tries in a row have saved nothing. The outcome goes into the source's report.
 */
async function pullScope(pass: SourcePass, scope: string, scopeId: number): Promise<void> {
  const { run, id, report } = pass;
  const signal = pass.controller.signal;
  const scopeReport: ScopeReport = { scope, outcome: "ok", pages: 0, items: 0, error: null };
  report.scopes.push(scopeReport);
  const reporter = pass.progress.reporterFor(scope);
  let failures = 0;
  for (;;) {
    if (signal.aborted) {
      scopeReport.outcome = "stopped";
      break;
    }
    const pagesBefore = scopeReport.pages;
    let error: ConnectorError | null;
    try {
      error = await pullScopePages(pass, scopeReport, scopeId, reporter);
    } catch (err) {
      // A mapper that cannot read a record (a ConnectorError of kind `invalid`), or the database failing:
      // not something a retry fixes.
      if (!(err instanceof ConnectorError)) {
        const message = `[threadline] [${id}] could not save a page of ${scope}: ${err instanceof Error ? err.message : String(err)}`;
        scopeReport.outcome = "failed";
        scopeReport.error = message;
        report.errors.push({ scope, kind: "internal", message });
        break;
      }
      error = err;
    }
    // Tries count in a row: a saved page starts the count again.
    if (scopeReport.pages > pagesBefore) failures = 0;
    if (!error) {
      if (signal.aborted) {
        scopeReport.outcome = "stopped";
        break;
      }
      pass.reached = true;
      await markScopeRead(run.db, scopeId, run.now());
      await saveScopePassEnd(run.db, scopeId, { at: run.now(), itemsSeen: scopeReport.items, error: null });
      break;
    }
    const unreachableAtStart = error.kind === "unreachable" && !pass.reached;
    if (error.retryable && !unreachableAtStart && failures + 1 < run.retry.attempts && !signal.aborted) {
      failures++;
      report.retries++;
      await waitBeforeRetry(run, error, failures, signal, (until) => reporter.waiting(until));
      continue;
    }
    // Scopes cut short by a failure of the whole source report that failure, not their own abort.
    await saveScopeFailure(pass, scopeReport, scopeId, pass.fatal ?? error);
    break;
  }
  run.earlyFlags?.scopeEnded(id, scope);
  pass.progress.scopeFinished(scope);
}

/**
 * One try at a scope: its pages from the stored cursors, each saved with its cursor. Returns the connector's
 * error that ended the pull, or null when the pull ended (or the run was stopped after a saved page); a page
 * that cannot be saved throws.
 */
async function pullScopePages(
  pass: SourcePass,
  scopeReport: ScopeReport,
  scopeId: number,
  reporter: PullReporter,
): Promise<ConnectorError | null> {
  const { run, id } = pass;
  const signal = pass.controller.signal;
  const cursors = await loadCursors(run.db, scopeId);
  const pages = run.source.connector.pull({
    settings: run.source.settings,
    scope: scopeReport.scope,
    mode: run.mode,
    since: run.since ?? null,
    cursors: cursors as Readonly<Record<string, JsonValue>>,
    now: run.runStartedAt,
    signal,
    report: reporter,
  });
  const iterator = pages[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<PulledPage>;
    try {
      next = await iterator.next();
    } catch (err) {
      return asConnectorError(id, err);
    }
    if (next.done) return null;
    await savePulledPage(pass, scopeReport, scopeId, next.value);
    if (signal.aborted) {
      await iterator.return?.();
      return null;
    }
  }
}

/** Saves one page with its cursor (in a write slot shared by the run) and counts it in the reports. */
async function savePulledPage(
  pass: SourcePass,
  scopeReport: ScopeReport,
  scopeId: number,
  page: PulledPage,
): Promise<void> {
  const { run, report } = pass;
  // A person's own mailbox: only work mail reaches the store.
  const kept =
    pass.id === "gmail" && isConnectedScope(scopeReport.scope)
      ? await keepWorkMail(run.db, run.source.connector, page, {
          scopeId,
          linker: run.linker,
          teamDomains: run.teamDomains ?? run.flagSettings?.teamDomains ?? [],
        })
      : page;
  const write = await toPageWriteWithCursor(run.source.connector, scopeId, kept, run.mapper);
  const saved = await run.writeSlot(() => savePage(run.db, write, { now: run.now(), linker: run.linker }));
  pass.reached = true;
  report.pages++;
  scopeReport.pages++;
  for (const count of PAGE_COUNTS) report[count] += saved[count];
  for (const key of saved.changedTaskKeys) run.changedTaskKeys.add(key);
  run.earlyFlags?.pageSaved(pass.id, scopeReport.scope, saved.changedTaskKeys, toDate(page.readBackTo));
  scopeReport.items += write.items.length;
  pass.progress.pageSaved(scopeReport.scope, write.items.length);
}

/**
 * Reports a scope's failure. A scope the token can no longer read is marked so (its items are kept); a bad
 * token stops the source's other scopes too.
 */
async function saveScopeFailure(
  pass: SourcePass,
  scopeReport: ScopeReport,
  scopeId: number,
  error: ConnectorError,
): Promise<void> {
  scopeReport.error = error.message;
  pass.report.errors.push({ scope: scopeReport.scope, kind: error.kind, message: error.message });
  await saveScopePassEnd(pass.run.db, scopeId, {
    at: pass.run.now(),
    itemsSeen: scopeReport.items,
    error: { message: error.message, kind: error.kind, retryAt: error.retryAt ?? null },
  });
  if (error.kind === "forbidden" || error.kind === "not_found") {
    scopeReport.outcome = error.kind;
    await markScopeUnreadable(pass.run.db, scopeId, error.kind, error.message);
  } else {
    scopeReport.outcome = "failed";
    // A bad token, or an API root that never answered, is the same for every scope of the source.
    if (error.kind === "auth" || (error.kind === "unreachable" && !pass.reached)) {
      pass.fatal ??= error;
      pass.controller.abort();
    }
  }
}

/** Waits before a retry: doubling from `baseDelayMs`, or until a rate limit's reset; both capped. */
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
