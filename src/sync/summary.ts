import type { SyncReport } from "./engine.ts";

export const formatCount = (n: number) => n.toLocaleString("en-US");

/** `850ms`, `12.3s`, `4m05s`, `1h02m`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.floor(s % 60)).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/** The end-of-run table, one row per source, then each error on its own line. */
export function toSummaryTable(report: SyncReport): string {
  const header = [
    "source",
    "result",
    "new items",
    "updated",
    "deleted",
    "new tasks",
    "upd. tasks",
    "requests",
    "pages",
    "time",
    "errors",
  ];
  const rows = report.sources.map((s) => [
    s.source,
    s.ok ? "ok" : "failed",
    formatCount(s.itemsNew),
    formatCount(s.itemsUpdated),
    formatCount(s.itemsDeleted),
    formatCount(s.tasksNew),
    formatCount(s.tasksUpdated),
    formatCount(s.requests),
    formatCount(s.pages),
    formatDuration(s.durationMs),
    String(s.errors.length),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  const out = [line(header), ...rows.map(line)];
  const problems = report.sources.flatMap((s) => s.errors.map((e) => `  ${e.message}`));
  const unreadable = report.sources.flatMap((s) =>
    s.scopes
      .filter((scope) => scope.outcome === "forbidden" || scope.outcome === "not_found")
      .map((scope) => `  ${s.source} ${scope.scope}: marked ${scope.outcome}; its items are kept`),
  );
  if (problems.length > 0) out.push("", "Errors:", ...problems);
  if (unreadable.length > 0) out.push("", "Scopes that can no longer be read:", ...unreadable);
  out.push(
    "",
    report.ok
      ? `${report.mode === "backfill" ? "Backfill" : "Sync"} finished in ${formatDuration(report.durationMs)}.`
      : `${report.mode === "backfill" ? "Backfill" : "Sync"} finished in ${formatDuration(report.durationMs)} with errors in ${report.sources
          .filter((s) => !s.ok)
          .map((s) => s.source)
          .join(", ")}.`,
  );
  return `${out.join("\n")}\n`;
}

/** The summary for scripts (`--json`): stable field names, times in ISO 8601. */
export function toSummaryJson(report: SyncReport) {
  return {
    ok: report.ok,
    mode: report.mode,
    startedAt: report.startedAt.toISOString(),
    durationMs: report.durationMs,
    changedTasks: report.changedTaskKeys.size,
    sources: report.sources.map((s) => ({
      source: s.source,
      ok: s.ok,
      items: { new: s.itemsNew, updated: s.itemsUpdated, deleted: s.itemsDeleted },
      tasks: { new: s.tasksNew, updated: s.tasksUpdated, deleted: s.tasksDeleted },
      links: { added: s.linksAdded, removed: s.linksRemoved },
      pages: s.pages,
      requests: s.requests,
      retries: s.retries,
      durationMs: s.durationMs,
      scopes: s.scopes,
      errors: s.errors,
    })),
    ...(report.flags
      ? {
          flags: report.flags.ok
            ? {
                ok: true,
                tasks: report.flags.summary.tasks,
                raised: report.flags.summary.raised,
                opened: report.flags.summary.opened,
                reopened: report.flags.summary.reopened,
                resolved: report.flags.summary.resolved,
              }
            : { ok: false, error: report.flags.error },
        }
      : {}),
  };
}
