import type { PullReporter } from "../../connectors/types.ts";
import type { SourceId } from "../model/kinds.ts";
import type { SourceProgress, SourceReport, SyncObserver } from "./engine.ts";

/**
 * One source's progress during a run: it keeps the counts, estimates and rate-limit waits of every scope and
 * tells the observer the source's total after each change. Connectors hear of it through `reporterFor`.
 */
export interface SourceProgressTracker {
  /** What the pull of `scope` reports to (`""`: the listing of the scopes). */
  reporterFor(scope: string): PullReporter;
  scopesListed(count: number): void;
  pageSaved(scope: string, items: number): void;
  scopeFinished(scope: string): void;
}

const clockTime = (d: Date) => d.toISOString().slice(11, 19);

/** A tracker for the source `id`; the requests the connectors report are also counted into `report`. */
export function createSourceProgress(
  id: SourceId,
  report: SourceReport,
  observer: SyncObserver | undefined,
): SourceProgressTracker {
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
    observer?.progress?.(id, { ...progress });
  };
  return {
    reporterFor: (scope) => ({
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
    }),
    scopesListed(count) {
      progress.scopes = count;
      emit();
    },
    pageSaved(scope, items) {
      itemsByScope.set(scope, (itemsByScope.get(scope) ?? 0) + items);
      progress.items += items;
      progress.pages++;
      waiting.delete(scope);
      emit();
    },
    scopeFinished(scope) {
      waiting.delete(scope);
      progress.scopesDone++;
      emit();
    },
  };
}
